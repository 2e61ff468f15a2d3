/** Provider worker entry: runs many calls concurrently (src/core/provider-call.ts), each reported back as flat messages. */
import type { ModelPrice } from "../pricing/types";
import { callProvider, openStream, type ProviderCall } from "../core/provider-call";
import { BifrostError } from "../schemas/error";
import { isStreamOp } from "../schemas/ops";
import { ReplyKind, type AbortMessage, type CallMessage, type Reply } from "./protocol";

declare const self: Worker;

const running = new Map<number, AbortController>();
const decoder = new TextDecoder();

/** One reply envelope for the worker's life: postMessage copies it synchronously, so it can be refilled at once. */
const envelope: Reply = { id: 0, k: ReplyKind.Ok, d: "" };

function post(id: number, k: ReplyKind, d: string) {
  envelope.id = id;
  envelope.k = k;
  envelope.d = d;
  self.postMessage(envelope);
  envelope.d = "";
}

/** Settings JSON repeats per key: parse each distinct text once. */
const parsedSettings = new Map<string, Record<string, any>>();
function settings(json: string): Record<string, any> | undefined {
  if (!json) return undefined;
  let v = parsedSettings.get(json);
  if (!v) parsedSettings.set(json, (v = JSON.parse(json) as Record<string, any>));
  return v;
}

function toCall(m: CallMessage): ProviderCall {
  return {
    op: m.op,
    type: m.type,
    target: { provider: m.provider, model: m.model, baseUrl: m.baseUrl, apiKey: m.apiKey, extraHeaders: settings(m.extraHeaders) ?? {}, keyConfig: settings(m.keyConfig) },
    modelRequested: m.modelRequested,
    timeoutMs: m.timeoutMs,
    idleTimeoutMs: m.idleTimeoutMs,
    maxResponseBytes: m.maxResponseBytes || undefined,
    price: (settings(m.price) as ModelPrice | undefined) ?? null,
  };
}

function readBody(m: CallMessage): unknown {
  if (m.op === "listModels") return null;
  try {
    return JSON.parse(decoder.decode(m.body));
  } catch (e) {
    // A worker's stack is smaller than the server thread's: JSON the server parsed may still be too deep here.
    throw e instanceof RangeError ? BifrostError.badRequest("request body is nested too deeply", null, "nesting_too_deep") : BifrostError.badRequest("request body is not valid JSON");
  }
}

async function run(m: CallMessage, signal: AbortSignal): Promise<void> {
  const id = m.id;
  try {
    const call = toCall(m);
    const req = readBody(m);
    if (!isStreamOp(m.op)) {
      const answer = await callProvider(call, req, signal);
      if (answer.bytes) return self.postMessage({ id, k: ReplyKind.Bytes, d: answer.bytes.contentType, b: answer.bytes.body }, [answer.bytes.body]);
      return post(id, ReplyKind.Ok, answer.json());
    }
    const stream = await openStream(call, req, signal);
    post(id, ReplyKind.Start, "");
    signal.addEventListener("abort", () => stream.cancel(), { once: true });
    for (let batch = await stream.next(); batch !== null; batch = await stream.next()) {
      let lines = "";
      for (const c of batch) lines += (lines ? "\n" : "") + JSON.stringify(c);
      post(id, ReplyKind.Chunks, lines);
    }
    post(id, ReplyKind.End, "");
  } catch (err) {
    post(id, ReplyKind.Error, BifrostError.from(err).toWire());
  }
}

self.onmessage = (e: MessageEvent<CallMessage | AbortMessage>) => {
  const msg = e.data;
  if ("abort" in msg) {
    running.get(msg.abort)?.abort();
    return;
  }
  const ctrl = new AbortController();
  running.set(msg.id, ctrl);
  run(msg, ctrl.signal).finally(() => running.delete(msg.id));
};

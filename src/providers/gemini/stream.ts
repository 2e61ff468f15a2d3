/**
 * Gemini's SSE stream (streamGenerateContent?alt=sse) → canonical chat.completion.chunk objects.
 * Every event is a whole GenerateContentResponse; function calls arrive complete, never in pieces.
 * There is no end marker: the stream is over when it closes after a finishReason. A failure after
 * the 200 comes as Google's bare error JSON ({"error":{code,message,status}}, pretty-printed, no
 * "data:"), which the SDKs read the same way; a data: event holding {"error"} is read too.
 */
import type { ChatChunk } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { SseParser, type SseEvent } from "../sse";
import { EventBatches, malformedStream, truncatedStream } from "../stream-events";
import type { ProviderTarget, StreamDecoder } from "../types";
import { googleStreamError } from "./errors";
import { mapFinishReason, toUsage } from "./finish";
import { blockedRefusal, toToolCall } from "./parts";
import { signatureDetail } from "./signatures";
import type { GeminiCandidate, GeminiResponse, GeminiUsage } from "./types";

type Delta = ChatChunk["choices"][number]["delta"];

interface CandidateState {
  toolCalls: number;
  finished: boolean;
}

export function createGeminiStreamDecoder(target: ProviderTarget, now = Date.now): StreamDecoder<ChatChunk> {
  const sse = new SseParser();
  const created = Math.floor(now() / 1000);
  let id = "";
  let model = target.model;
  let usage: GeminiUsage | undefined;
  let calls = 0;
  /** Every candidate seen has finished (or the prompt was blocked): later events carry nothing. */
  let finished = false;
  let done = false;
  const batches = new EventBatches(target);
  const candidates = new Map<number, CandidateState>();
  /** The text after the last blank line: where a bare error object accumulates. */
  let tail = "";

  const chunk = (index: number, delta: Delta): ChatChunk => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index, delta, finish_reason: null }],
  });

  function decode(ev: GeminiResponse, data: string, out: ChatChunk[]) {
    const error = (ev as { error?: { code?: unknown } }).error;
    if (error && typeof error === "object") throw googleStreamError(error, data, target);
    if (!id) {
      id = ev.responseId || `chatcmpl-${crypto.randomUUID()}`;
      model = ev.modelVersion || model;
    }
    if (ev.usageMetadata) usage = ev.usageMetadata;
    const list = Array.isArray(ev.candidates) ? ev.candidates : [];
    if (list.length === 0 && ev.promptFeedback?.blockReason) return blocked(ev.promptFeedback.blockReason, ev.promptFeedback.blockReasonMessage, out);

    let lastFinish: ChatChunk | undefined;
    for (const c of list) {
      const index = c?.index ?? 0;
      let state = candidates.get(index);
      if (!state) {
        state = { toolCalls: 0, finished: false };
        candidates.set(index, state);
        out.push(chunk(index, { role: "assistant", content: "" }));
      }
      if (state.finished) continue;
      decodeParts(c, index, state, out);
      if (c.finishReason) {
        state.finished = true;
        const last = chunk(index, {});
        last.choices[0]!.finish_reason = mapFinishReason(c.finishReason, state.toolCalls > 0) ?? "stop";
        out.push(last);
        lastFinish = last;
      }
    }
    if (!lastFinish) return;
    finished = [...candidates.values()].every((s) => s.finished);
    // Usage covers the whole answer, so it rides on the finish that ends the last candidate (the last chunk).
    if (finished && usage) lastFinish.usage = toUsage(usage);
  }

  function decodeParts(c: GeminiCandidate, index: number, state: CandidateState, out: ChatChunk[]) {
    for (const part of Array.isArray(c.content?.parts) ? c.content.parts : []) {
      if (part.functionCall) {
        const call = toToolCall(part.functionCall, calls++);
        const delta: Delta = { tool_calls: [{ index: state.toolCalls++, id: call.id, type: "function", function: call.function }] };
        if (part.thoughtSignature) delta.reasoning_details = [signatureDetail(part.thoughtSignature, call.id)];
        out.push(chunk(index, delta));
        continue;
      }
      const delta: Delta = {};
      if (typeof part.text === "string" && part.text) {
        if (part.thought) delta.reasoning = part.text;
        else delta.content = part.text;
      }
      if (part.thoughtSignature) delta.reasoning_details = [signatureDetail(part.thoughtSignature)];
      if (Object.keys(delta).length) out.push(chunk(index, delta));
    }
  }

  function blocked(reason: string, message: string | undefined, out: ChatChunk[]) {
    if (!candidates.has(0)) out.push(chunk(0, { role: "assistant", content: "" }));
    out.push(chunk(0, { refusal: blockedRefusal(reason, message) }));
    const last = chunk(0, {});
    last.choices[0]!.finish_reason = "content_filter";
    if (usage) last.usage = toUsage(usage);
    out.push(last);
    finished = true;
  }

  const take = (events: SseEvent[]) =>
    batches.run(
      events,
      () => finished,
      (ev, out) => decode(parse(ev, target), ev.data, out),
    );

  /** The bare error object, once all of it has arrived. */
  function bareError(): BifrostError | null {
    // Events start with "data:"; only a tail that opens a JSON value can be the error.
    if (finished || !/^\s*[{[]/.test(tail)) return null;
    const text = tail.trim();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      return null;
    }
    const error = (Array.isArray(json) ? json[0] : json)?.error;
    return error && typeof error === "object" ? googleStreamError(error, text, target) : null;
  }

  return {
    push: (text) => {
      tail = afterLastBlankLine(tail + text);
      const out = take(sse.push(text));
      const e = bareError();
      if (e) batches.defer(e, out);
      return out;
    },
    end: () => {
      const rest = take(sse.end());
      const e = bareError();
      if (e) throw e;
      if (!finished) throw truncatedStream(target, "a finishReason");
      done = true;
      return rest;
    },
    get done() {
      return done;
    },
  };
}

function afterLastBlankLine(text: string): string {
  let at = 0;
  for (const blank of ["\r\n\r\n", "\n\n", "\r\r"]) {
    const i = text.lastIndexOf(blank);
    if (i !== -1) at = Math.max(at, i + blank.length);
  }
  return at ? text.slice(at) : text;
}

function parse(ev: SseEvent, target: ProviderTarget): GeminiResponse {
  let json: any;
  try {
    json = JSON.parse(ev.data);
  } catch {
    throw malformedStream(target);
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) throw malformedStream(target);
  return json;
}


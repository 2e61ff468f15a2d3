/** Provider worker entry: runs many calls concurrently, each reported back as flat messages. */
import { execute } from "./executor";
import { ReplyKind, type AbortMessage, type CallMessage, type CallSink, type Reply } from "./protocol";

declare const self: Worker;

const running = new Map<number, AbortController>();

/** One reply envelope for the worker's life: postMessage copies it synchronously, so it can be refilled at once. */
const envelope: Reply = { id: 0, k: ReplyKind.Ok, d: "" };

function post(id: number, k: ReplyKind, d: string) {
  envelope.id = id;
  envelope.k = k;
  envelope.d = d;
  self.postMessage(envelope);
  envelope.d = "";
}

function sinkFor(id: number): CallSink {
  return {
    ok: (json) => post(id, ReplyKind.Ok, json),
    bytes: (contentType, body) => self.postMessage({ id, k: ReplyKind.Bytes, d: contentType, b: body }, [body]),
    start: () => post(id, ReplyKind.Start, ""),
    chunks: (lines) => post(id, ReplyKind.Chunks, lines),
    end: () => post(id, ReplyKind.End, ""),
    error: (json) => post(id, ReplyKind.Error, json),
  };
}

self.onmessage = (e: MessageEvent<CallMessage | AbortMessage>) => {
  const msg = e.data;
  if ("abort" in msg) {
    running.get(msg.abort)?.abort();
    return;
  }
  const ctrl = new AbortController();
  running.set(msg.id, ctrl);
  execute(msg, msg.body, ctrl.signal, sinkFor(msg.id)).finally(() => running.delete(msg.id));
};

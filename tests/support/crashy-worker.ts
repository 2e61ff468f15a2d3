/** A stand-in provider worker for pool tests: answers "ok:<model>", hangs on "hang", dies on "crash". */
import { ReplyKind, type CallMessage } from "../../src/workers/protocol";

declare const self: Worker;

self.onmessage = (e: MessageEvent<CallMessage | { abort: number }>) => {
  const m = e.data;
  if ("abort" in m) return;
  if (m.model === "crash") process.exit(1);
  if (m.model === "hang") return;
  self.postMessage({ id: m.id, k: ReplyKind.Ok, d: `ok:${m.model}:${m.body.byteLength}` });
};

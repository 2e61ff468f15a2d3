/** For the round-trip bench: answers every message with a flat reply, as the provider worker does. */
declare const self: Worker;
const reply = { id: 0, k: 0, d: "" };
self.onmessage = (e: MessageEvent<{ id: number; body?: ArrayBuffer }>) => {
  reply.id = e.data.id;
  reply.d = "ok";
  self.postMessage(reply);
};

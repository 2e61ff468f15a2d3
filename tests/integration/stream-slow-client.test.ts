/**
 * Regression: a client that reads a stream slowly (backpressure) is not an idle upstream. The
 * provider call reads the upstream only when the client pulls, so the idle timeout must count only
 * the time spent waiting on the upstream, never the time the client took.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Bifrost } from "../../src/index";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";

let mock: MockUpstream;
let bf: Bifrost;
beforeAll(async () => {
  mock = await startMockUpstream();
  bf = await Bifrost.create({ providers: { openai: { keys: [{ value: "sk-slow-client" }], network_config: { base_url: mock.url, stream_idle_timeout_in_seconds: 0.3 } } } }, { workers: 0 });
});
afterAll(async () => {
  await bf.shutdown();
  await mock.stop();
});

async function streamed(pauseAfterFirstMs: number) {
  // Paced well inside the idle timeout, so the upstream is still sending while the client pauses.
  mock.fault({ chunkDelayMs: 150 });
  const chunks: any[] = [];
  for await (const c of bf.chatStream({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "take your time" }], stream: true })) {
    chunks.push(c);
    if (chunks.length === 1) await Bun.sleep(pauseAfterFirstMs);
  }
  return { text: chunks.map((c) => c.choices[0]?.delta?.content ?? "").join(""), usage: chunks.at(-1).usage };
}

test("a client pausing longer than the stream idle timeout still gets the whole stream", async () => {
  const reference = await streamed(0);
  expect(reference.text).toStartWith("mock reply to:");
  expect(await streamed(900)).toEqual(reference); // three idle timeouts' worth of not reading
});

test("an upstream silent past the idle timeout still fails with stream_idle_timeout", async () => {
  mock.fault({ stallAfterChunks: 1 });
  const err = await (async () => {
    for await (const _ of bf.chatStream({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "stall" }], stream: true }));
  })().catch((e) => e);
  expect(err.code).toBe("stream_idle_timeout");
});

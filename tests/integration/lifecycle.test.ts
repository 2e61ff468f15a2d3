/** Long streams versus Bun's idle timeout, and graceful shutdown with requests and streams in flight. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { openGateway, startGateway } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { eventually } from "../support/wait";

let mock: MockUpstream;
beforeAll(async () => {
  mock = await startMockUpstream();
});
afterAll(async () => {
  await mock?.stop();
});

const config = () => ({ providers: { openai: { keys: [{ value: "sk-life-5555" }], network_config: { base_url: mock.url } } } });
const streamBody = JSON.stringify({ model: "openai/gpt-4o-mini", stream: true, messages: [{ role: "user", content: "a long answer" }] });

async function readAll(res: Response): Promise<string> {
  return await res.text().catch((e) => `<<cut: ${(e as Error).message}>>`);
}

// These two mostly wait (on Bun's idle-timeout tick, on a paced stream) and share nothing, so they wait together.
test.concurrent("a stream quieter than the server's idle timeout is not cut", async () => {
  const terse = await startMockUpstream({ words: 1 });
  // In-process, but on a real socket: the idle timeout is the server's.
  const gw = await openGateway({ providers: { openai: { keys: [{ value: "sk-life-5555" }], network_config: { base_url: terse.url } } } }, { env: { BIFROST_HTTP_IDLE_TIMEOUT_SECONDS: "1" } });
  try {
    terse.fault({ chunkDelayMs: 1300 });
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: streamBody });
    const text = await readAll(res);
    expect(text).toEndWith("data: [DONE]\n\n");
    // role+content, content, finish, [DONE]: the usage chunk is not sent to a client that did not ask for it.
    expect(text.split("\n\n").filter(Boolean).length).toBe(4);
  } finally {
    await gw.close();
    await terse.stop();
  }
}, 30_000);

test.concurrent("SIGTERM stops accepting, lets the in-flight stream finish, then exits 0", async () => {
  const gw = await startGateway({ config: config() });
  mock.fault({ chunkDelayMs: 250, match: { model: "gpt-4o-mini" } });
  const res = await fetch(`${gw.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: streamBody });
  const reader = res.body!.getReader();
  await reader.read(); // the stream is under way
  gw.proc.kill("SIGTERM");
  // The server stops listening as it logs this line.
  await eventually(() => gw.output().includes("SIGTERM received"));
  const refused = await fetch(`${gw.url}/health`).then(
    () => false,
    () => true,
  );
  expect(refused).toBe(true);
  let rest = "";
  const dec = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    rest += dec.decode(value);
  }
  expect(rest).toEndWith("data: [DONE]\n\n");
  expect(await gw.proc.exited).toBe(0);
  expect(gw.output()).toContain("SIGTERM received");
}, 30_000);

test("a stream that outlives the grace period is cut and the process still exits 0", async () => {
  const gw = await startGateway({ config: config(), env: { BIFROST_SHUTDOWN_GRACE_SECONDS: "1" } });
  mock.fault({ stallAfterChunks: 2, match: { model: "gpt-4o-mini" } });
  const res = await fetch(`${gw.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: streamBody });
  const reader = res.body!.getReader();
  await reader.read();
  const t0 = performance.now();
  gw.proc.kill("SIGTERM");
  expect(await gw.proc.exited).toBe(0);
  expect(performance.now() - t0).toBeLessThan(5000);
  reader.cancel().catch(() => {});
}, 30_000);

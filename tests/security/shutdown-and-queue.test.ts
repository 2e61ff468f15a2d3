/** Issue 11 (resources): requests that wait (in a provider's queue, or on a stream at shutdown) still end in the gateway's shape, in time. */
import { afterEach, expect, test } from "bun:test";
import { openGateway, type Gateway } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { eventually } from "../support/wait";

let mock: MockUpstream | undefined;
let gw: Gateway | undefined;
afterEach(async () => {
  await gw?.close();
  await mock?.stop();
  gw = mock = undefined;
});

const oneAtATime = (url: string, timeoutSeconds = 30) => ({
  providers: {
    openai: {
      keys: [{ value: "sk-queue-test", models: ["*"] }],
      network_config: { base_url: url, default_request_timeout_in_seconds: timeoutSeconds },
      concurrency_and_buffer_size: { concurrency: 1, buffer_size: 10 },
    },
  },
});
const chat = (stream = false) => ({ method: "POST", body: JSON.stringify({ model: "openai/gpt-4o-mini", stream, messages: [{ role: "user", content: "hi" }] }) });

test("finding 6: a request queued behind a slow one gets a 504 when the request timeout passes in the queue", async () => {
  mock = await startMockUpstream();
  gw = await openGateway(oneAtATime(mock.url, 1));
  // The first request is a stream that stalls: it holds the one slot (the request timeout ended when it started).
  mock.fault({ stallAfterChunks: 1 });
  const first = await fetch(gw.url + "/v1/chat/completions", chat(true));
  expect(first.status).toBe(200);
  const second = await gw.fetch("/v1/chat/completions", chat());
  expect(second.status).toBe(504);
  const j = (await second.json()) as any;
  expect(j.error.type).toBe("timeout_error");
  expect(j.error.code).toBe("queue_timeout");
  expect(mock.requests.length).toBe(1); // it never reached the upstream
  await first.body!.cancel();
});

test("finding 5: past the shutdown grace period a stream ends with an error event and a queued request gets a 503", async () => {
  mock = await startMockUpstream();
  gw = await openGateway(oneAtATime(mock.url));
  mock.fault({ stallAfterChunks: 1 });
  const stream = await fetch(gw.url + "/v1/chat/completions", chat(true));
  expect(stream.status).toBe(200);
  const queued = fetch(gw.url + "/v1/chat/completions", chat());
  await eventually(() => gw!.bifrost.queues.get("openai")!.queued === 1);
  const text = stream.text();
  await gw.close(); // no grace at all
  gw = undefined;
  const q = await queued;
  expect(q.status).toBe(503);
  expect(q.headers.get("x-request-id")).toBeTruthy();
  expect(((await q.json()) as any).error.code).toBe("shutting_down");
  const body = await text;
  expect(body).toContain("chat.completion.chunk");
  const events = body.trim().split("\n\n");
  expect(JSON.parse(events.at(-1)!.slice("data: ".length)).error.code).toBe("shutting_down");
});

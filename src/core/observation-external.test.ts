/** A request a provider ran on its own (a native batch's line) as the observers get it: Bifrost.observeExternal. */
import { afterAll, expect, test } from "bun:test";
import { definePlugin } from "../plugin";
import type { RequestSummary } from "../plugins/types";
import { BifrostError } from "../schemas/error";
import { Bifrost } from "./bifrost";
import { externalSummary, type ExternalRequest } from "./observation";

const seen: RequestSummary[] = [];
const spy = definePlugin({ name: "spy", setup: () => ({ onRequestEnd: (s) => void seen.push(s) }) });
const bf = await Bifrost.create({ providers: {}, plugins: [{ name: "spy" }] } as never, { workers: 0, plugins: { spy } });
afterAll(() => bf.shutdown());

const T0 = Date.UTC(2030, 0, 1);
const line = (over: Partial<ExternalRequest> = {}): ExternalRequest => ({
  requestId: "batch_req_1",
  op: "chat",
  provider: "openai",
  model: "gpt-4o-mini",
  requestedModel: "openai/gpt-4o-mini",
  request: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] },
  response: { object: "chat.completion", choices: [] },
  error: null,
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  cost: null,
  costMissing: false,
  keyName: "oa",
  principal: "vk:vk-1",
  batchId: "batch_1",
  startedAt: T0,
  endedAt: T0 + 60_000,
  ...over,
});

test("observeExternal hands each observer one summary marked external: the owner as principal, the batch, no attempts, nothing held", async () => {
  await bf.observeExternal(line());
  expect(seen).toHaveLength(1);
  const s = seen[0]!;
  expect(s).toMatchObject({
    requestId: "batch_req_1",
    op: "chat",
    stream: false,
    provider: "openai",
    model: "gpt-4o-mini",
    requestedModel: "openai/gpt-4o-mini",
    outcome: "success",
    status: 200,
    keyName: "oa",
    principal: "vk:vk-1",
    batchId: "batch_1",
    external: true,
    attempts: [],
    hooks: [],
    startedAt: T0,
    latencyMs: 60_000,
  });
  expect(s.values.size).toBe(0);
  expect(s.header("authorization")).toBeUndefined();
  expect(bf.activeRequests).toBe(0);
});

test("a failed line: outcome error with the provider's status; its cost is never 'missing'", () => {
  const s = externalSummary(line({ response: null, error: new BifrostError({ status: 404, message: "no such model", isBifrostError: false }), costMissing: true, requestId: undefined }));
  expect(s).toMatchObject({ outcome: "error", status: 404, costMissing: false });
  expect(s.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(externalSummary(line({ costMissing: true })).costMissing).toBe(true);
});

test("a batch line the gateway runs itself is observed as any request it serves: its principal and batch, not external", async () => {
  seen.length = 0;
  await bf.request("chat", { model: "nowhere/model", messages: [{ role: "user", content: "hi" }] }, { principal: "vk:vk-1", batchId: "batch_2" }).catch(() => {});
  expect(seen).toHaveLength(1);
  expect(seen[0]).toMatchObject({ principal: "vk:vk-1", batchId: "batch_2", outcome: "error" });
  expect(seen[0]!.external).toBeUndefined();
});

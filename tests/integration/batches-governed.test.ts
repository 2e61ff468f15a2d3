/**
 * Batches under governance, logs and metrics (issue 17: "virtual keys, budgets and logs apply to batches as to
 * single requests, and the batch's cost is recorded when its results arrive, with the provider's batch
 * discount"). A native OpenAI batch's lines never pass the plugins, so: a line whose model the key may not use
 * is refused at creation (an error line, as the gateway's own runner reports it), and once the results arrive
 * every line the provider ran is charged to the key's budget and rate limits, logged with the key and the batch,
 * and counted in the metrics. A gateway-run batch's lines, which pass the plugins, are charged once, not twice.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI, { toFile } from "openai";
import { openGateway, type Gateway } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { openaiBatchMock } from "../support/mock/openai-batches";
import { eventually } from "../support/wait";

/** $0.002 an output token and nothing for input: a line costs 0.002 × its completion tokens, half of it in a native batch. */
const OUTPUT_PRICE = 0.002;
const priced = (model: string) => [{ model_pattern: model, match_type: "exact", input_cost_per_token: 0, output_cost_per_token: OUTPUT_PRICE }];
const VK = "sk-bf-batch-governed-000000000000000000000";
const VK_BROKE = "sk-bf-batch-governed-broke-000000000000000";
const VK_RPM = "sk-bf-batch-governed-rpm-00000000000000000";
const both = [
  { provider: "openai", allowed_models: ["gpt-4o-mini"] },
  { provider: "local-llm", allowed_models: ["*"] },
];

let mock: MockUpstream;
let gw: Gateway;

beforeAll(async () => {
  mock = await startMockUpstream();
  const dir = mkdtempSync(join(tmpdir(), "bf-batch-gov-"));
  gw = await openGateway({
    providers: {
      openai: { keys: [{ name: "oa", value: "sk-openai-gov-batch-1111", models: ["*"], weight: 1 }], network_config: { base_url: mock.url }, pricing_overrides: priced("gpt-4o-mini") },
      // No batch API: the gateway runs its batches, each line through the plugins.
      "local-llm": { keys: [{ name: "local", value: "sk-local" }], custom_provider_config: { base_provider_type: "openai" }, network_config: { base_url: mock.url }, pricing_overrides: priced("llama-3") },
    },
    governance: {
      virtual_keys: [
        {
          id: "vk-batch",
          name: "batcher",
          value: VK,
          provider_configs: [
            { provider: "openai", allowed_models: ["gpt-4o-mini"] },
            { provider: "local-llm", allowed_models: ["*"] },
          ],
          budgets: [{ id: "b-batch", max_limit: 100, reset_duration: "1d" }],
          rate_limit: { id: "rl-batch", request_max_limit: 10_000, request_reset_duration: "1h", token_max_limit: 10_000_000, token_reset_duration: "1h" },
        },
        // One output token's worth of budget: one request with max_tokens 1 spends it all.
        { id: "vk-broke", name: "broke", value: VK_BROKE, provider_configs: both, budgets: [{ id: "b-broke", max_limit: OUTPUT_PRICE, reset_duration: "1d" }] },
        { id: "vk-rpm", name: "one-an-hour", value: VK_RPM, provider_configs: both, rate_limit: { id: "rl-rpm", request_max_limit: 1, request_reset_duration: "1h" } },
      ],
    },
    logs_store: { enabled: true, type: "sqlite", config: { path: join(dir, "logs.db") } },
    batches: { store: { type: "sqlite", path: join(dir, "batches.db") }, poll_interval_seconds: 0.05 },
  });
}, 60_000);
afterAll(async () => {
  await gw?.close();
  await mock?.stop();
});

const js = async (r: Response): Promise<any> => {
  expect(r.status).toBe(200);
  return r.json();
};
const client = (apiKey = VK) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey, maxRetries: 0 });
const line = (id: string, model: string) =>
  JSON.stringify({ custom_id: id, method: "POST", url: "/v1/chat/completions", body: { model, messages: [{ role: "user", content: `say ${id}` }], max_tokens: 16 } });

/** Upload → create → poll until ended, as the key; the batch and its output and error lines. */
async function runBatch(provider: string, lines: string[], apiKey = VK) {
  const oa = client(apiKey);
  const file = await oa.files.create({ file: await toFile(Buffer.from(lines.join("\n") + "\n"), "input.jsonl"), purpose: "batch", provider } as Parameters<OpenAI["files"]["create"]>[0]);
  const created = await oa.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h", provider } as Parameters<OpenAI["batches"]["create"]>[0]);
  await eventually(async () => ["completed", "failed", "expired", "cancelled"].includes((await oa.batches.retrieve(created.id)).status));
  const batch = (await oa.batches.retrieve(created.id)) as OpenAI.Batch & { cost?: number };
  const read = async (id: string | null | undefined) => (id ? (await (await oa.files.content(id)).text()).split("\n").filter(Boolean).map((l) => JSON.parse(l)) : []);
  return { batch, output: await read(batch.output_file_id), errors: await read(batch.error_file_id) };
}

/** A key's budget and rate-limit usage now, from the admin API. */
async function usage(id = "vk-batch") {
  const { virtual_key: vk } = await js(await gw.fetch(`/api/governance/virtual-keys/${id}`));
  return { cost: vk.budgets[0]?.current_usage as number, requests: vk.rate_limit?.request_current_usage as number, tokens: vk.rate_limit?.token_current_usage as number };
}

/** Creating a native OpenAI batch as `apiKey`: the error the SDK throws (null when it was created). */
async function createNative(apiKey: string, lines: string[]) {
  const oa = client(apiKey);
  const file = await oa.files.create({ file: await toFile(Buffer.from(lines.join("\n") + "\n"), "input.jsonl"), purpose: "batch", provider: "openai" } as Parameters<OpenAI["files"]["create"]>[0]);
  return oa.batches
    .create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h", provider: "openai" } as Parameters<OpenAI["batches"]["create"]>[0])
    .then(() => null, (e) => e as InstanceType<typeof OpenAI.APIError>);
}

/** What reached the provider's Files and Batch APIs so far. */
const upstreamBatchCalls = () => ({ files: openaiBatchMock.files.size, batches: openaiBatchMock.batches.size, requests: mock.requests.filter((r) => /^\/v1\/(files|batches)/.test(r.path)).length });

/** One chat request as `apiKey` (max_tokens 1: one output token, $0.002). */
async function oneRequest(apiKey: string) {
  const r = await client(apiKey).chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 1 });
  expect(r.usage?.completion_tokens).toBe(1);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-9);

describe("a native OpenAI batch made with a virtual key", () => {
  test("a line naming a model the key may not use is an error line (403 model_blocked), never sent to the provider", async () => {
    const { batch, output, errors } = await runBatch("openai", [line("ok-1", "gpt-4o-mini"), line("blocked-gov-1", "gpt-4o"), line("ok-2", "openai/gpt-4o-mini")]);
    expect(batch.status).toBe("completed");
    expect(batch.request_counts).toEqual({ total: 3, completed: 2, failed: 1 });
    expect(output.map((l) => l.custom_id)).toEqual(["ok-1", "ok-2"]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ custom_id: "blocked-gov-1", response: { status_code: 403, body: { error: { code: "model_blocked" } } }, error: { code: "model_blocked" } });
    expect(errors[0].error.message).toContain("gpt-4o");
    // The provider's batch input held only the allowed lines.
    const sent = [...openaiBatchMock.files.values()].map((f) => f.content).join("\n");
    expect(sent).toContain('"custom_id":"ok-1"');
    expect(sent).not.toContain("blocked-gov-1");
  });

  test("every line blocked: the batch ends at once with every line in its error file, nothing sent", async () => {
    const before = openaiBatchMock.batches.size;
    const { batch, output, errors } = await runBatch("openai", [line("nope-1", "gpt-4o"), line("nope-2", "o3")]);
    expect(batch.status).toBe("completed");
    expect(batch.request_counts).toEqual({ total: 2, completed: 0, failed: 2 });
    expect(output).toEqual([]);
    expect(errors.map((l) => [l.custom_id, l.error.code])).toEqual([["nope-1", "model_blocked"], ["nope-2", "model_blocked"]]);
    expect(openaiBatchMock.batches.size).toBe(before);
  });

  test("its results charge the key's budget (at the batch discount), requests and tokens; its cost shows on the batch; a log row and metrics per line", async () => {
    const before = await usage();
    const { batch, output } = await runBatch("openai", [line("c-1", "gpt-4o-mini"), line("c-2", "gpt-4o-mini"), line("c-3", "openai/gpt-4o-mini")]);
    expect(batch.request_counts).toEqual({ total: 3, completed: 3, failed: 0 });
    const completion = sum(output.map((l) => l.response.body.usage.completion_tokens as number));
    const tokens = sum(output.map((l) => l.response.body.usage.total_tokens as number));
    expect(completion).toBeGreaterThan(0);
    // The batch's cost: half the synchronous price.
    close(batch.cost!, (completion * OUTPUT_PRICE) / 2);

    await eventually(async () => (await usage()).requests === before.requests + 3);
    const after = await usage();
    close(after.cost - before.cost, batch.cost!);
    expect(after.tokens - before.tokens).toBe(tokens);

    // One log row per line, with the key and the batch; its id is the output line's.
    const logs = async () => js(await gw.fetch(`/api/logs?batch_ids=${batch.id}&virtual_key_ids=vk-batch`));
    await eventually(async () => (await logs()).pagination.total_count === 3);
    const rows = (await logs()).logs as any[];
    expect(rows.map((r) => r.id).sort()).toEqual(output.map((l) => l.id).sort());
    for (const r of rows) {
      expect(r).toMatchObject({ object: "chat_completion", provider: "openai", model: "gpt-4o-mini", status: "success", virtual_key_id: "vk-batch", batch_id: batch.id, selected_key_name: "oa" });
      const out = output.find((l) => l.id === r.id)!;
      expect(r.token_usage.completion_tokens).toBe(out.response.body.usage.completion_tokens);
      close(r.cost, (out.response.body.usage.completion_tokens * OUTPUT_PRICE) / 2);
    }
    expect(sum(rows.map((r) => r.cost))).toBeCloseTo(batch.cost!, 12);

    const metrics = await (await gw.fetch("/metrics")).text();
    const successes = metrics.split("\n").find((l) => l.startsWith("bifrost_success_requests_total{") && l.includes('virtual_key_id="vk-batch"') && l.includes('model="gpt-4o-mini"'));
    expect(Number(successes?.split(" ").at(-1))).toBeGreaterThanOrEqual(3);
  });
});

describe("a gateway-run batch made with a virtual key", () => {
  test("its lines are charged once (by their own requests), not again when the batch ends; their log rows name the batch", async () => {
    mock.reset();
    const before = await usage();
    const { batch, output } = await runBatch("local-llm", [line("g-1", "llama-3"), line("g-2", "llama-3")]);
    expect(batch.request_counts).toEqual({ total: 2, completed: 2, failed: 0 });
    const completion = sum(output.map((l) => l.response.body.usage.completion_tokens as number));
    // A request the gateway runs is priced as any other: no batch discount.
    close(batch.cost!, completion * OUTPUT_PRICE);
    await eventually(async () => (await usage()).requests >= before.requests + 2);
    const logs = async () => js(await gw.fetch(`/api/logs?batch_ids=${batch.id}`));
    await eventually(async () => (await logs()).pagination.total_count === 2);
    const after = await usage();
    expect(after.requests - before.requests).toBe(2);
    close(after.cost - before.cost, batch.cost!);
    for (const r of (await logs()).logs as any[]) expect(r).toMatchObject({ virtual_key_id: "vk-batch", virtual_key_name: "batcher", batch_id: batch.id, provider: "local-llm" });
  });
});

describe("a native batch from a virtual key with no room left (admitBatch: checked before anything is sent, nothing reserved)", () => {
  test("its budget spent by a request: 402 budget_exceeded on creating a native batch, on every surface; nothing reaches the provider's batch APIs", async () => {
    await oneRequest(VK_BROKE);
    await eventually(async () => (await usage("vk-broke")).cost >= OUTPUT_PRICE);
    const before = upstreamBatchCalls();
    const e = await createNative(VK_BROKE, [line("broke-1", "gpt-4o-mini")]);
    expect(e?.status).toBe(402);
    expect(e?.error).toMatchObject({ code: "budget_exceeded", type: "budget_exceeded" });
    expect(e?.message).toContain("Budget exceeded for virtual key 'broke'");
    // The Anthropic surface, routed to OpenAI's batch API: the same refusal, in Anthropic's shape.
    const viaAnthropic = await fetch(`${gw.url}/anthropic/v1/messages/batches`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": VK_BROKE, "x-model-provider": "openai", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ requests: [{ custom_id: "r1", params: { model: "gpt-4o-mini", max_tokens: 8, messages: [{ role: "user", content: "hi" }] } }] }),
    });
    expect(viaAnthropic.status).toBe(402);
    expect(((await viaAnthropic.json()) as any).type).toBe("error");
    expect(upstreamBatchCalls()).toEqual(before);
    expect((await client(VK_BROKE).batches.list()).data).toEqual([]);
  });

  test("a gateway-run batch from the same key is unchanged: created, its lines refused one by one (402 error lines)", async () => {
    await eventually(async () => (await usage("vk-broke")).cost >= OUTPUT_PRICE);
    const { batch, output, errors } = await runBatch("local-llm", [line("gb-1", "llama-3"), line("gb-2", "llama-3")], VK_BROKE);
    expect(batch.status).toBe("completed");
    expect(batch.request_counts).toEqual({ total: 2, completed: 0, failed: 2 });
    expect(output).toEqual([]);
    expect(errors.map((l) => [l.custom_id, l.response.status_code, l.error.code])).toEqual([["gb-1", 402, "budget_exceeded"], ["gb-2", 402, "budget_exceeded"]]);
  });

  test("its request limit reached: 429 request_limited with Retry-After; nothing sent", async () => {
    await oneRequest(VK_RPM);
    await eventually(async () => (await usage("vk-rpm")).requests === 1);
    const before = upstreamBatchCalls();
    const e = await createNative(VK_RPM, [line("rpm-1", "gpt-4o-mini")]);
    expect(e?.status).toBe(429);
    expect(e?.error).toMatchObject({ code: "request_limited" });
    expect(Number(e?.headers?.get("retry-after"))).toBeGreaterThan(0);
    expect(e?.headers?.get("x-ratelimit-remaining-requests")).toBe("0");
    expect(upstreamBatchCalls()).toEqual(before);
  });
});

/**
 * The native path the provider backends plug into, with a scripted backend: which batches go native,
 * what submit receives, refresh and cancel applied, results collected in input order into the output and
 * error files, the cost at the batch discount, and a key kept for the batch's whole life; and the plugins'
 * admitBatch, asked before a native batch is sent (never for a gateway-run one).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually } from "../../tests/support/wait";
import { definePlugin, type BatchAdmission } from "bifrost/plugin";
import { Bifrost } from "../core/bifrost";
import { batchSettings } from "./config";
import { jsonlBytes } from "./jsonl";
import { BatchService } from "./service";
import type { BackendContext, BatchBackend, BatchCaller, BatchInputLine, BatchOutputLine, BatchRecord, Refreshed } from "./types";

const PRICE = { input: 0.000001, output: 0.000002 };

class ScriptedBackend implements BatchBackend {
  readonly kinds = ["openai"];
  submitted: BatchInputLine[] = [];
  targets: string[] = [];
  next: Refreshed = { status: "in_progress", counts: { total: 3, completed: 0, failed: 0 } };
  cancelled = 0;
  async submit(ctx: BackendContext, batch: BatchRecord, input: AsyncIterable<BatchInputLine>) {
    this.targets.push(ctx.target(batch.provider).apiKey);
    for await (const l of input) this.submitted.push(l);
    return { upstreamId: "up-1", upstreamState: { uploaded: "file-up" } };
  }
  async refresh(ctx: BackendContext, batch: BatchRecord) {
    this.targets.push(ctx.target(batch.provider).apiKey);
    expect(batch.upstreamId).toBe("up-1");
    return this.next;
  }
  async cancel() {
    this.cancelled++;
    return { status: "cancelling" as const, counts: { total: 3, completed: 0, failed: 0 } };
  }
  async *results(): AsyncIterable<BatchOutputLine> {
    // In another order than the input's.
    yield { id: "r3", custom_id: "c", response: { status_code: 400, request_id: "q3", body: { error: { message: "bad" } } }, error: null };
    yield { id: "r1", custom_id: "a", response: { status_code: 200, request_id: "q1", body: { object: "chat.completion", usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 } } }, error: null };
    yield { id: "r2", custom_id: "b", response: { status_code: 200, request_id: "q2", body: { object: "chat.completion", usage: { prompt_tokens: 10, completion_tokens: 0, total_tokens: 10 } } }, error: null };
  }
}

const caller: BatchCaller = { headers: new Headers() };
const chat = (id: string, model: string): BatchInputLine => ({ custom_id: id, method: "POST", url: "/v1/chat/completions", body: { model, messages: [{ role: "user", content: id }] } });

describe("native batches", () => {
  let bf: Bifrost;
  let svc: BatchService;
  const backend = new ScriptedBackend();
  beforeAll(async () => {
    const pricing_overrides = [{ model_pattern: "priced-model", match_type: "exact", input_cost_per_token: PRICE.input, output_cost_per_token: PRICE.output }];
    bf = await Bifrost.create(
      {
        providers: {
          openai: { keys: [{ name: "k1", value: "sk-one", weight: 1 }, { name: "k2", value: "sk-two", weight: 1 }], network_config: { base_url: "http://127.0.0.1:9" }, pricing_overrides },
          "my-vllm": { keys: [{ name: "v", value: "sk-v" }], custom_provider_config: { base_provider_type: "openai" }, network_config: { base_url: "http://127.0.0.1:9" } },
        },
      },
      { workers: 0 },
    );
    const dir = mkdtempSync(join(tmpdir(), "bf-native-"));
    svc = await BatchService.open(bf, batchSettings({ store: { type: "sqlite", path: join(dir, "b.db") } }, dir), { backends: () => [backend] });
    bf.batches = svc;
  });
  afterAll(() => bf.shutdown());

  test("a built-in provider with a backend runs natively; a custom OpenAI-compatible one is run by the gateway", async () => {
    const viaVllm = await svc.createBatchFromLines(caller, { provider: "my-vllm", endpoint: "/v1/chat/completions", lines: [chat("x", "llama")] });
    expect(viaVllm.mode).toBe("gateway");
    // Nothing listens there: the line fails and the batch ends with it in the error file.
    await eventually(async () => (await svc.getBatch(caller, viaVllm.id)).status === "completed");
    expect((await svc.getBatch(caller, viaVllm.id)).counts).toEqual({ total: 1, completed: 0, failed: 1 });
  });

  test("submit → refresh → results: output and error files in input order, cost at the batch discount", async () => {
    const file = await svc.uploadFile(caller, { filename: "in.jsonl", purpose: "batch", provider: "openai", body: jsonlBytes([chat("a", "openai/priced-model"), chat("b", "priced-model"), chat("c", "priced-model")].map((l) => JSON.stringify(l))) });
    const created = await svc.createBatch(caller, { provider: "openai", endpoint: "/v1/chat/completions", inputFileId: file.id });
    expect(created).toMatchObject({ mode: "native", status: "in_progress", upstreamId: "up-1", upstreamState: { uploaded: "file-up" } });
    // The provider gets its own model names.
    expect(backend.submitted.map((l) => l.body.model)).toEqual(["priced-model", "priced-model", "priced-model"]);
    expect(created.keyName).toMatch(/^k[12]$/);

    backend.next = { status: "completed", counts: { total: 3, completed: 2, failed: 1 } };
    // A retrieve refreshes once due; the test's clock is real, so ask the background round instead.
    await svc.tick();
    const done = await svc.getBatch(caller, created.id);
    expect(done.status).toBe("completed");
    expect(done.counts).toEqual({ total: 3, completed: 2, failed: 1 });
    expect(done.completedAt).not.toBeNull();
    // Every call for this batch used the key that submitted it.
    expect(new Set(backend.targets).size).toBe(1);

    const read = async (id: string | null) => {
      const parts: Uint8Array[] = [];
      for await (const p of (await svc.fileContent(caller, id!)).body) parts.push(p);
      return Buffer.concat(parts).toString().trim().split("\n").map((l) => JSON.parse(l));
    };
    expect((await read(done.outputFileId)).map((l) => l.custom_id)).toEqual(["a", "b"]);
    expect((await read(done.errorFileId)).map((l) => l.custom_id)).toEqual(["c"]);
    const results = [];
    for await (const r of svc.results(caller, created.id)) results.push(r.custom_id);
    expect(results).toEqual(["a", "b", "c"]);
    // Half of (1010 input × $1/M + 500 output × $2/M).
    expect(done.cost).toBeCloseTo(0.5 * (1010 * PRICE.input + 500 * PRICE.output), 12);
  });

  test("cancel goes upstream; the batch ends when the provider says so", async () => {
    backend.next = { status: "in_progress", counts: { total: 1, completed: 0, failed: 0 } };
    const b = await svc.createBatchFromLines(caller, { provider: "openai", endpoint: "/v1/chat/completions", lines: [chat("a", "priced-model")] });
    const c = await svc.cancelBatch(caller, b.id);
    expect(backend.cancelled).toBe(1);
    expect(c.status).toBe("cancelling");
    expect(c.cancellingAt).not.toBeNull();
    backend.next = { status: "cancelled", counts: { total: 1, completed: 0, failed: 0 } };
    backend.results = async function* () {};
    await svc.tick();
    const done = await svc.getBatch(caller, b.id);
    expect(done.status).toBe("cancelled");
    expect(done.outputFileId).toBeNull();
  });
});

describe("a plugin's admitBatch", () => {
  let bf: Bifrost;
  let svc: BatchService;
  const backend = new ScriptedBackend();
  const calls: Array<{ owner: string | null; batch: BatchAdmission; who: string | undefined }> = [];
  const as = (who: string): BatchCaller => ({ headers: new Headers({ "x-who": who }) });
  beforeAll(async () => {
    const gk = definePlugin({
      name: "gk",
      setup: () => ({
        identify: (caller) => ({ owner: `vk:${caller.header("x-who") ?? "anyone"}` }),
        // Refuses the listed model for everyone (model list), and every batch of "broke".
        listModels: (models) => ({ models: models.filter((m) => m.id !== "openai/blocked-model") }),
        admitBatch(owner, batch, caller) {
          calls.push({ owner, batch, who: caller.header("x-who") });
          if (owner === "vk:broke") return { error: { status: 402, type: "budget_exceeded", code: "budget_exceeded", message: "no budget left", headers: { "x-test": "1" } } };
        },
      }),
    });
    bf = await Bifrost.create(
      {
        providers: {
          openai: { keys: [{ name: "k1", value: "sk-one", weight: 1 }], network_config: { base_url: "http://127.0.0.1:9" } },
          "my-vllm": { keys: [{ name: "v", value: "sk-v" }], custom_provider_config: { base_provider_type: "openai" }, network_config: { base_url: "http://127.0.0.1:9" } },
        },
        plugins: [{ name: "gk" }],
      } as never,
      { workers: 0, plugins: { gk } },
    );
    const dir = mkdtempSync(join(tmpdir(), "bf-admit-"));
    svc = await BatchService.open(bf, batchSettings({ store: { type: "sqlite", path: join(dir, "b.db") } }, dir), { backends: () => [backend] });
    bf.batches = svc;
  });
  afterAll(() => bf.shutdown());

  test("is asked once before a native batch is sent: its owner, provider, endpoint, the models and lines left to send", async () => {
    calls.length = 0;
    const b = await svc.createBatchFromLines(as("alice"), { provider: "openai", endpoint: "/v1/chat/completions", lines: [chat("a", "m1"), chat("b", "openai/m2"), chat("c", "blocked-model"), chat("d", "m1")] });
    expect(b).toMatchObject({ mode: "native", status: "in_progress" });
    expect(calls).toEqual([{ owner: "vk:alice", batch: { provider: "openai", endpoint: "/v1/chat/completions", models: ["m1", "m2"], lines: 3 }, who: "alice" }]);
    expect(backend.submitted.map((l) => l.custom_id)).toEqual(["a", "b", "d"]);
  });

  test("its refusal is the creation's answer: no batch, nothing sent", async () => {
    calls.length = 0;
    backend.submitted = [];
    const e = await svc.createBatchFromLines(as("broke"), { provider: "openai", endpoint: "/v1/chat/completions", lines: [chat("a", "m1")] }).catch((x) => x);
    expect(e).toMatchObject({ status: 402, code: "budget_exceeded", message: "no budget left", headers: { "x-test": "1" } });
    expect(calls).toHaveLength(1);
    expect(backend.submitted).toEqual([]);
    expect(await svc.listBatches(as("broke"), { limit: 10 })).toEqual([]);
  });

  test("is not asked for a batch with nothing left to send, nor for one the gateway runs (its lines pass preRequest)", async () => {
    calls.length = 0;
    const blocked = await svc.createBatchFromLines(as("broke"), { provider: "openai", endpoint: "/v1/chat/completions", lines: [chat("a", "blocked-model")] });
    expect(blocked).toMatchObject({ status: "completed", counts: { total: 1, completed: 0, failed: 1 } });
    const viaVllm = await svc.createBatchFromLines(as("broke"), { provider: "my-vllm", endpoint: "/v1/chat/completions", lines: [chat("x", "llama")] });
    expect(viaVllm.mode).toBe("gateway");
    expect(calls).toEqual([]);
  });
});

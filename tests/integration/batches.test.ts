/**
 * Issue 17's core through real servers and the official OpenAI SDK: a batch the gateway runs itself for an
 * OpenAI-compatible self-hosted provider (upload → create → poll → results), progress, cancel mid-run,
 * resume after a restart without re-running finished lines, scoping by virtual key, the upload limit,
 * and the retention sweep. (The 500 MB upload has its own file: batches-upload-memory.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import OpenAI, { toFile } from "openai";
import { openGateway, type Gateway } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { pgReachable, throwawayDatabase } from "../support/postgres";
import { eventually } from "../support/wait";

const js = (r: Response): Promise<any> => r.json();
let mock: MockUpstream;
beforeAll(async () => {
  mock = await startMockUpstream();
});
afterAll(() => mock.stop());

const VK = { a: "sk-bf-batch-a-00000000000000000000000000", b: "sk-bf-batch-b-11111111111111111111111111", narrow: "sk-bf-batch-n-22222222222222222222222222" };

function config(dbPath: string, extra: Record<string, unknown> = {}) {
  return {
    providers: {
      // A self-hosted OpenAI-compatible server (vLLM, Ollama, …): no batch API, so the gateway runs the batches.
      "local-llm": { keys: [{ name: "local", value: "sk-local-llm" }], custom_provider_config: { base_provider_type: "openai" }, network_config: { base_url: mock.url } },
    },
    batches: { store: { type: "sqlite", path: dbPath }, concurrency: 2 },
    ...extra,
  };
}

const tmpDb = () => join(mkdtempSync(join(tmpdir(), "bf-batches-it-")), "batches.db");

function line(customId: string, model: string, text = customId) {
  return JSON.stringify({ custom_id: customId, method: "POST", url: "/v1/chat/completions", body: { model, messages: [{ role: "user", content: `say ${text}` }], max_tokens: 10 } });
}

const client = (gw: Gateway, apiKey = "unused") => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey, maxRetries: 0 });

async function upload(oa: OpenAI, lines: string[], provider = "local-llm") {
  // The SDK sends `file` first and the fields after it: the gateway stores the file before it knows them.
  return oa.files.create({ file: await toFile(Buffer.from(lines.join("\n") + "\n"), "input.jsonl"), purpose: "batch", provider } as Parameters<OpenAI["files"]["create"]>[0]);
}

async function create(oa: OpenAI, inputFileId: string, provider = "local-llm") {
  return oa.batches.create({ input_file_id: inputFileId, endpoint: "/v1/chat/completions", completion_window: "24h", provider } as Parameters<OpenAI["batches"]["create"]>[0]);
}

async function outputLines(oa: OpenAI, fileId: string | null | undefined): Promise<any[]> {
  if (!fileId) return [];
  const text = await (await oa.files.content(fileId)).text();
  return text.split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

/** The prompts the mock was sent, in order. */
const sentPrompts = () => mock.requests.filter((r) => r.path.endsWith("/chat/completions")).map((r) => r.body.messages[0].content as string);

describe("a batch the gateway runs for a provider without a batch API", () => {
  let gw: Gateway;
  let oa: OpenAI;
  beforeAll(async () => {
    gw = await openGateway(config(tmpDb()));
    oa = client(gw);
  });
  afterAll(() => gw.close());

  test("upload → create → poll → results, in OpenAI's formats, with failures in the error file", async () => {
    mock.reset();
    mock.fault({ status: 400, message: "bad model", match: { model: "broken-model" }, times: Infinity });
    const file = await upload(oa, [line("one", "llama-3"), line("two", "local-llm/llama-3"), line("three", "broken-model")]);
    expect(file).toMatchObject({ object: "file", purpose: "batch", filename: "input.jsonl", status: "processed" });
    expect(file.id).toMatch(/^file-[a-z2-7]{26}$/);
    expect(file.expires_at).toBeGreaterThan(file.created_at);
    expect((await oa.files.retrieve(file.id)).bytes).toBe(file.bytes);

    const batch = await create(oa, file.id);
    expect(batch).toMatchObject({ object: "batch", endpoint: "/v1/chat/completions", input_file_id: file.id, completion_window: "24h", request_counts: { total: 3 } });
    expect(batch.id).toMatch(/^batch_[a-z2-7]{26}$/);
    expect(["in_progress", "finalizing", "completed"]).toContain(batch.status);

    await eventually(async () => (await oa.batches.retrieve(batch.id)).status === "completed");
    const done = await oa.batches.retrieve(batch.id);
    expect(done.request_counts).toEqual({ total: 3, completed: 2, failed: 1 });
    expect(done.completed_at).toBeGreaterThanOrEqual(done.created_at);
    expect((done as unknown as { provider: string }).provider).toBe("local-llm");

    const out = await outputLines(oa, done.output_file_id);
    expect(out.map((l) => l.custom_id)).toEqual(["one", "two"]);
    for (const l of out) {
      expect(l.id).toMatch(/^batch_req_/);
      expect(l.error).toBeNull();
      expect(l.response.status_code).toBe(200);
      expect(l.response.request_id).toBe(l.id);
      expect(l.response.body.object).toBe("chat.completion");
      expect(l.response.body.choices[0].message.content).toContain(`mock reply to: say ${l.custom_id}`);
    }
    // The model reached the self-hosted server under its own name.
    expect(mock.requests.filter((r) => r.path.endsWith("/chat/completions")).map((r) => r.body.model).sort()).toEqual(["broken-model", "llama-3", "llama-3"]);

    const errors = await outputLines(oa, done.error_file_id);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ custom_id: "three", response: { status_code: 400 }, error: { message: expect.stringContaining("bad model") } });

    const outFile = await oa.files.retrieve(done.output_file_id!);
    expect(outFile.purpose).toBe("batch_output");
    const listed = await oa.batches.list();
    expect(listed.data.map((b) => b.id)).toContain(batch.id);
  });

  test("an invalid input file: the batch fails with OpenAI's errors, naming each line", async () => {
    const file = await upload(oa, [
      line("dup", "llama-3"),
      line("dup", "llama-3"),
      "{not json",
      JSON.stringify({ custom_id: "m", method: "GET", url: "/v1/chat/completions", body: { model: "x" } }),
      JSON.stringify({ custom_id: "u", method: "POST", url: "/v1/embeddings", body: { model: "x" } }),
      JSON.stringify({ custom_id: "nomodel", method: "POST", url: "/v1/chat/completions", body: {} }),
    ]);
    const batch = await create(oa, file.id);
    expect(batch.status).toBe("failed");
    expect(batch.errors!.data!.map((e) => [e.line, e.code])).toEqual([
      [2, "duplicate_custom_id"],
      [3, "invalid_json_line"],
      [4, "invalid_value"],
      [5, "mismatched_endpoint"],
      [6, "missing_required_parameter"],
    ]);
  });

  test("bad requests are 400/404 in the gateway's error shape", async () => {
    const file = await upload(oa, [line("x", "llama-3")]);
    const err = (p: Promise<unknown>) => p.then(() => null, (e) => e as InstanceType<typeof OpenAI.APIError>);
    expect((await err(create(oa, file.id, "no-such-provider")))!.status).toBe(400);
    expect((await err(create(oa, "file-doesnotexist")))!.status).toBe(404);
    expect((await err(oa.batches.retrieve("batch_nope")))!.status).toBe(404);
    const r = await fetch(`${gw.url}/v1/batches`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ input_file_id: file.id, endpoint: "/v1/moderations", completion_window: "24h", provider: "local-llm" }) });
    expect(r.status).toBe(400);
    expect(await js(r)).toMatchObject({ is_bifrost_error: true, error: { code: "invalid_endpoint", param: "endpoint" } });
    const noFile = await fetch(`${gw.url}/v1/files`, { method: "POST", body: (() => { const f = new FormData(); f.append("purpose", "batch"); return f; })() });
    expect(noFile.status).toBe(400);
    const unknown = await fetch(`${gw.url}/openai/files`, { method: "POST", body: (() => { const f = new FormData(); f.append("purpose", "batch"); f.append("provider", "nope"); f.append("file", new File(["{}\n"], "a.jsonl")); return f; })() });
    expect(unknown.status).toBe(400);
    expect((await js(unknown)).error.code).toBe("unknown_provider");
  });

  test("files: list with purpose/limit/after/order, content, delete; the same under /openai", async () => {
    const viaOpenAI = new OpenAI({ baseURL: `${gw.url}/openai`, apiKey: "unused", maxRetries: 0 });
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await upload(viaOpenAI, [line(`f${i}`, "llama-3")]));
    const page = await oa.files.list({ purpose: "batch", limit: 2, order: "asc", after: made[0]!.id });
    expect(page.data.map((f) => f.id)).toEqual([made[1]!.id, made[2]!.id]);
    const r = await fetch(`${gw.url}/openai/v1/files?limit=1&order=desc`);
    const body = await js(r);
    expect(body).toMatchObject({ object: "list", has_more: true });
    expect(body.first_id).toBe(body.data[0].id);
    expect(await (await oa.files.content(made[1]!.id)).text()).toBe(line("f1", "llama-3") + "\n");
    expect(await oa.files.delete(made[1]!.id)).toEqual({ id: made[1]!.id, object: "file", deleted: true });
    expect((await fetch(`${gw.url}/v1/files/${made[1]!.id}`)).status).toBe(404);
  });

  test("progress shows in request_counts; cancel stops new lines, aborts those in flight, keeps partial output", async () => {
    mock.reset();
    let release!: () => void;
    mock.fault({ match: { model: "slow" }, until: new Promise<void>((r) => (release = r)), times: Infinity });
    const file = await upload(oa, [line("a", "fast"), line("b", "fast"), line("c", "slow"), line("d", "slow"), line("e", "slow"), line("f", "slow")]);
    const batch = await create(oa, file.id);
    await eventually(async () => (await oa.batches.retrieve(batch.id)).request_counts!.completed === 2);
    // Two slow lines are now held at the provider (concurrency 2); the last two wait for a slot.
    await eventually(() => mock.requests.filter((r) => r.body?.model === "slow").length === 2);
    // Its input cannot be deleted while it runs.
    expect(((await oa.files.delete(file.id).catch((e) => e)) as { status: number }).status).toBe(409);
    const cancelling = await oa.batches.cancel(batch.id);
    expect(["cancelling", "cancelled"]).toContain(cancelling.status);
    await eventually(async () => (await oa.batches.retrieve(batch.id)).status === "cancelled");
    release();
    const done = await oa.batches.retrieve(batch.id);
    expect(done.request_counts).toEqual({ total: 6, completed: 2, failed: 0 });
    expect(done.cancelled_at).not.toBeNull();
    expect((await outputLines(oa, done.output_file_id)).map((l) => l.custom_id)).toEqual(["a", "b"]);
    expect(done.error_file_id).toBeNull();
    // The held calls were aborted; e and f never went out.
    await eventually(() => mock.requests.filter((r) => r.body?.model === "slow" && r.aborted).length === 2);
    expect(sentPrompts().sort()).toEqual(["say a", "say b", "say c", "say d"]);
    mock.clearFaults();
  });
});

test("a restart resumes an unfinished batch without running its finished lines again", async () => {
  mock.reset();
  const db = tmpDb();
  let release!: () => void;
  mock.fault({ match: { model: "slow" }, until: new Promise<void>((r) => (release = r)), times: Infinity });
  const first = await openGateway(config(db));
  const oa1 = client(first);
  const file = await upload(oa1, [line("a", "fast"), line("b", "fast"), line("c", "slow"), line("d", "slow"), line("e", "fast"), line("f", "fast")]);
  const batch = await create(oa1, file.id);
  await eventually(async () => (await oa1.batches.retrieve(batch.id)).request_counts!.completed === 2);
  await eventually(() => mock.requests.filter((r) => r.body?.model === "slow").length === 2);
  await first.close();
  release();
  mock.clearFaults();
  expect((await new Database(db).query("SELECT status FROM bf_batches WHERE id = ?").get(batch.id)) as { status: string }).toEqual({ status: "in_progress" });

  const second = await openGateway(config(db));
  try {
    const oa2 = client(second);
    await eventually(async () => (await oa2.batches.retrieve(batch.id)).status === "completed");
    const done = await oa2.batches.retrieve(batch.id);
    expect(done.request_counts).toEqual({ total: 6, completed: 6, failed: 0 });
    expect((await outputLines(oa2, done.output_file_id)).map((l) => l.custom_id)).toEqual(["a", "b", "c", "d", "e", "f"]);
    // Lines finished before the restart went out once; the two cut off by it went out again.
    const sent = sentPrompts();
    const count = (p: string) => sent.filter((s) => s === p).length;
    expect([count("say a"), count("say b"), count("say e"), count("say f")]).toEqual([1, 1, 1, 1]);
    expect([count("say c"), count("say d")]).toEqual([2, 2]);
  } finally {
    await second.close();
  }
});

describe("scoped by virtual key", () => {
  let gw: Gateway;
  beforeAll(async () => {
    const all = [{ provider: "local-llm", allowed_models: ["*"] }];
    gw = await openGateway(
      config(tmpDb(), {
        governance: {
          virtual_keys: [
            { id: "vk-a", name: "a", value: VK.a, provider_configs: all },
            { id: "vk-b", name: "b", value: VK.b, provider_configs: all },
            { id: "vk-narrow", name: "narrow", value: VK.narrow, provider_configs: [{ provider: "local-llm", allowed_models: ["allowed-model"] }] },
          ],
        },
      }),
    );
  });
  afterAll(() => gw.close());

  test("one key cannot see, read, delete or cancel another key's files and batches (404)", async () => {
    mock.reset();
    let release!: () => void;
    mock.fault({ match: { model: "slow" }, until: new Promise<void>((r) => (release = r)), times: Infinity });
    const a = client(gw, VK.a);
    const b = client(gw, VK.b);
    const file = await upload(a, [line("x", "slow")]);
    const batch = await create(a, file.id);
    const notFound = async (p: Promise<unknown>) => expect(((await p.then(() => null, (e) => e)) as { status: number })?.status).toBe(404);
    await notFound(b.files.retrieve(file.id));
    await notFound(b.files.content(file.id));
    await notFound(b.files.delete(file.id));
    await notFound(b.batches.retrieve(batch.id));
    await notFound(b.batches.cancel(batch.id));
    await notFound(create(b, file.id));
    expect((await b.files.list()).data.map((f) => f.id)).not.toContain(file.id);
    expect((await b.batches.list()).data.map((x) => x.id)).not.toContain(batch.id);
    expect((await a.files.list()).data.map((f) => f.id)).toContain(file.id);
    expect((await a.batches.retrieve(batch.id)).id).toBe(batch.id);
    // A caller with no key at all (keys are optional here) sees none of a key's files or batches either.
    const anonymous = client(gw);
    await notFound(anonymous.files.retrieve(file.id));
    await notFound(anonymous.batches.retrieve(batch.id));
    expect((await anonymous.files.list()).data.map((f) => f.id)).not.toContain(file.id);
    expect((await anonymous.batches.list()).data.map((x) => x.id)).not.toContain(batch.id);
    // An unknown key is refused as it is on inference.
    const stranger = await fetch(`${gw.url}/v1/files`, { headers: { authorization: "Bearer sk-bf-unknown-0000000000000000000000000" } });
    expect(stranger.status).toBe(403);
    release();
    mock.clearFaults();
    await eventually(async () => (await a.batches.retrieve(batch.id)).status === "completed");
  });

  test("lines run as the batch's key: its model allow-list applies to each of them", async () => {
    const n = client(gw, VK.narrow);
    const file = await upload(n, [line("ok", "allowed-model"), line("blocked", "other-model")]);
    const batch = await create(n, file.id);
    await eventually(async () => (await n.batches.retrieve(batch.id)).status === "completed");
    const done = await n.batches.retrieve(batch.id);
    expect(done.request_counts).toEqual({ total: 2, completed: 1, failed: 1 });
    const errors = await outputLines(n, done.error_file_id);
    expect(errors[0]).toMatchObject({ custom_id: "blocked", response: { status_code: 403 }, error: { code: "model_blocked" } });
  });
});

describe("limits and retention", () => {
  let gw: Gateway;
  let db: string;
  beforeAll(async () => {
    db = tmpDb();
    gw = await openGateway(config(db, { batches: { store: { type: "sqlite", path: db }, max_upload_bytes: 4096 } }));
  });
  afterAll(() => gw.close());

  const form = (bytes: number, fieldsFirst: boolean) => {
    const f = new FormData();
    const file = new File([new Uint8Array(bytes).fill(0x61)], "big.jsonl");
    if (fieldsFirst) f.append("purpose", "batch"), f.append("provider", "local-llm"), f.append("file", file);
    else f.append("file", file), f.append("purpose", "batch"), f.append("provider", "local-llm");
    return f;
  };
  const stored = () => new Database(db).query("SELECT (SELECT COUNT(*) FROM bf_files) AS files, (SELECT COUNT(*) FROM bf_file_chunks) AS chunks").get();

  // Regression: the Anthropic files route bounded only the file part; parts after it were read without limit.
  test("Anthropic files: a form past the upload limit is refused (413) even when the excess follows the file", async () => {
    const form = new FormData();
    form.append("file", new Blob(["small file"]), "a.txt");
    form.append("extra", new Blob([new Uint8Array(2 * 1024 * 1024)]), "padding.bin");
    const res = await fetch(`${gw.url}/anthropic/v1/files`, { method: "POST", body: form, headers: { "x-model-provider": "local-llm" } });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("request_too_large");
    // The file part that came first is not kept.
    expect((await client(gw).files.list()).data.filter((f) => f.filename === "a.txt")).toEqual([]);
  });

  test("an upload over batches.max_upload_bytes: 413, and nothing stored", async () => {
    for (const fieldsFirst of [true, false]) {
      const r = await fetch(`${gw.url}/v1/files`, { method: "POST", body: form(10_000, fieldsFirst) });
      expect(r.status).toBe(413);
      expect(await js(r)).toMatchObject({ error: { code: "file_too_large" } });
    }
    // Declared or not, the limit holds: a chunked body too.
    const body = new Request("http://x/", { method: "POST", body: form(10_000, true) });
    const r = await fetch(`${gw.url}/v1/files`, { method: "POST", headers: { "content-type": body.headers.get("content-type")! }, body: body.body, duplex: "half" } as RequestInit);
    expect(r.status).toBe(413);
    expect(stored()).toEqual({ files: 0, chunks: 0 });
    const ok = await fetch(`${gw.url}/v1/files`, { method: "POST", body: form(4096, false) });
    expect(ok.status).toBe(200);
  });

  test("the retention sweep deletes expired files (expires_after, else batches.retention_days)", async () => {
    const f = new FormData();
    f.append("purpose", "batch");
    f.append("provider", "local-llm");
    f.append("expires_after[anchor]", "created_at");
    f.append("expires_after[seconds]", "3600");
    f.append("file", new File([line("r", "m") + "\n"], "r.jsonl"));
    const file = await js(await fetch(`${gw.url}/v1/files`, { method: "POST", body: f }));
    expect(file.expires_at - file.created_at).toBe(3600);
    const kept = await js(await fetch(`${gw.url}/v1/files`, { method: "POST", body: form(10, true) }));
    expect(kept.expires_at - kept.created_at).toBe(30 * 86400);
    const swept = await gw.bifrost.batches!.sweep(Date.now() + 3601_000);
    expect(swept.files).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${gw.url}/v1/files/${file.id}`)).status).toBe(404);
    expect((await fetch(`${gw.url}/v1/files/${kept.id}`)).status).toBe(200);
  });
});

describe("on a PostgreSQL store", () => {
  const pg = throwawayDatabase("bf_batches_it");
  let up = false;
  beforeAll(async () => {
    up = await pgReachable("batches on PostgreSQL");
    if (up) await pg.create();
  });
  afterAll(async () => {
    if (up) await pg.drop();
  });

  test("upload → create → results, the same as on SQLite", async () => {
    if (!up) return;
    mock.reset();
    const gw = await openGateway({ ...config(tmpDb()), batches: { store: { type: "postgres", url: "env.BATCH_PG_URL" } } }, { env: { BATCH_PG_URL: pg.url } });
    try {
      const oa = client(gw);
      const file = await upload(oa, [line("p1", "llama-3"), line("p2", "llama-3")]);
      const batch = await create(oa, file.id);
      await eventually(async () => (await oa.batches.retrieve(batch.id)).status === "completed");
      const done = await oa.batches.retrieve(batch.id);
      expect(done.request_counts).toEqual({ total: 2, completed: 2, failed: 0 });
      expect((await outputLines(oa, done.output_file_id)).map((l) => l.custom_id)).toEqual(["p1", "p2"]);
    } finally {
      await gw.close();
    }
  });
});

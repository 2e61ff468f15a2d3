/**
 * The GenAI surface with the official @google/genai SDK (baseUrl <server>/genai) against an Elysia app that
 * mounts it as the gateway will: integrationRoutes' models route handing batchGenerateContent over, and
 * genaiBatchRoutes for the rest — over FakeBatchApi, an in-memory stand-in for the real service.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileState, FinishReason, GoogleGenAI, JobState, type BatchJob } from "@google/genai";
import { Elysia } from "elysia";
import { genaiBatchModelMethods, genaiBatchRoutes } from "../../src/batches/routes-genai";
import type { Bifrost } from "../../src/core/bifrost";
import { integrationRoutes } from "../../src/http/integrations";
import type { Route, RouteRequest } from "../../src/http/route";
import { FakeBatchApi } from "../support/fake-batch-api";

/** The route wrapper without auth or plugins: what the gateway's does, minus the gateway. */
const bareRoute: Route = (serve) => (c) =>
  serve({ request: c.request, params: c.params ?? {}, headers: { "x-request-id": "test" }, options: () => ({}) as never, holdOpen() {} } as RouteRequest);

const api = new FakeBatchApi({ pollsToFinish: 3 });
let server: ReturnType<typeof Bun.serve>;
let base: string;
let dir: string;

beforeAll(() => {
  const app = new Elysia()
    .use(integrationRoutes({} as Bifrost, bareRoute, 1 << 20, genaiBatchModelMethods(api)))
    .use(genaiBatchRoutes(api, { route: bareRoute }));
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => app.handle(req) });
  base = `http://127.0.0.1:${server.port}`;
  dir = mkdtempSync(join(tmpdir(), "genai-batches-"));
});
afterAll(async () => {
  await server.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

function client(owner = "alice"): GoogleGenAI {
  return new GoogleGenAI({ apiKey: "test-key", httpOptions: { baseUrl: `${base}/genai`, headers: { "x-test-owner": owner } } });
}

async function untilDone(ai: GoogleGenAI, name: string): Promise<BatchJob> {
  for (;;) {
    const job = await ai.batches.get({ name });
    if (job.state !== JobState.JOB_STATE_PENDING && job.state !== JobState.JOB_STATE_RUNNING) return job;
  }
}

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (e) {
    return (e as { status?: number }).status ?? -1;
  }
  return 200;
}

describe("GenAI batches through the SDK", () => {
  test("create with inline requests, get until done, results in inlinedResponses", async () => {
    const ai = client();
    const job = await ai.batches.create({
      model: "gemini-2.5-flash",
      src: [
        { contents: [{ role: "user", parts: [{ text: "hello world" }] }], metadata: { key: "a" } },
        { contents: "please fail", metadata: { key: "b" } },
        { contents: "third one", config: { systemInstruction: "be brief", temperature: 0.2, maxOutputTokens: 20 } },
      ],
      config: { displayName: "my inline batch" },
    });
    expect(job.name).toMatch(/^batches\/batch_/);
    expect(job.state).toBe(JobState.JOB_STATE_RUNNING);
    expect(job.displayName).toBe("my inline batch");
    expect(job.model).toBe("models/gemini-2.5-flash");

    // What the service got: OpenAI chat lines, keyed by metadata.key, for the default provider.
    const made = api.created.at(-1)!;
    expect(made).toMatchObject({ provider: "gemini", endpoint: "/v1/chat/completions", metadata: { genai_source: "inline", genai_model: "gemini-2.5-flash", genai_display_name: "my inline batch" } });
    expect(made.lines.map((l) => l.custom_id)).toEqual(["a", "b", "_genai_unkeyed_2"]);
    expect(made.lines[0]).toEqual({ custom_id: "a", method: "POST", url: "/v1/chat/completions", body: { model: "gemini-2.5-flash", messages: [{ role: "user", content: "hello world" }] } });
    expect(made.lines[2]!.body).toMatchObject({
      model: "gemini-2.5-flash",
      messages: [{ role: "system", content: "be brief" }, { role: "user", content: "third one" }],
      temperature: 0.2,
      max_tokens: 20,
    });

    const done = await untilDone(ai, job.name!);
    expect(done.state).toBe(JobState.JOB_STATE_SUCCEEDED);
    expect(done.endTime).toBeString();
    const inlined = done.dest!.inlinedResponses!;
    expect(inlined).toHaveLength(3);
    expect(inlined[0]!.metadata).toEqual({ key: "a" });
    expect(inlined[0]!.response!.candidates![0]!.content!.parts![0]!.text).toBe("echo: hello world");
    expect(inlined[0]!.response!.candidates![0]!.finishReason).toBe(FinishReason.STOP);
    expect(inlined[0]!.response!.usageMetadata).toEqual({ promptTokenCount: 2, candidatesTokenCount: 3, totalTokenCount: 5 });
    expect(inlined[1]!.metadata).toEqual({ key: "b" });
    expect(inlined[1]!.error).toEqual({ code: 3, message: "refused: please fail" });
    expect(inlined[1]!.response).toBeUndefined();
    expect(inlined[2]!.metadata).toBeUndefined();
    expect(inlined[2]!.response!.candidates![0]!.content!.parts![0]!.text).toBe("echo: third one");
  });

  test("x-model-provider picks the provider", async () => {
    const ai = new GoogleGenAI({ apiKey: "k", httpOptions: { baseUrl: `${base}/genai`, headers: { "x-test-owner": "alice", "x-model-provider": "openai" } } });
    await ai.batches.create({ model: "gpt-4o-mini", src: [{ contents: "hi", metadata: { key: "k1" } }] });
    const made = api.created.at(-1)!;
    expect(made.provider).toBe("openai");
    expect(made.lines[0]!.body.model).toBe("gpt-4o-mini");
  });

  test("list, cancel, delete; another owner sees nothing", async () => {
    const ai = client();
    const a = await ai.batches.create({ model: "gemini-2.5-flash", src: [{ contents: "one", metadata: { key: "1" } }] });
    const b = await ai.batches.create({ model: "gemini-2.5-flash", src: [{ contents: "two", metadata: { key: "2" } }] });

    const names: string[] = [];
    for await (const job of await ai.batches.list({ config: { pageSize: 1 } })) names.push(job.name!);
    expect(names.indexOf(b.name!)).toBeGreaterThanOrEqual(0);
    expect(names.indexOf(b.name!)).toBeLessThan(names.indexOf(a.name!));

    await ai.batches.cancel({ name: a.name! });
    const cancelled = await ai.batches.get({ name: a.name! });
    expect(cancelled.state).toBe(JobState.JOB_STATE_CANCELLED);

    const other = client("bob");
    expect(await status(other.batches.get({ name: b.name! }))).toBe(404);
    expect(await status(other.batches.cancel({ name: b.name! }))).toBe(404);
    const theirs: string[] = [];
    for await (const job of await other.batches.list()) theirs.push(job.name!);
    expect(theirs).not.toContain(b.name!);

    // Delete stops a running batch (the gateway keeps the record).
    await ai.batches.delete({ name: b.name! });
    expect((await ai.batches.get({ name: b.name! })).state).toBe(JobState.JOB_STATE_CANCELLED);
  });

  test("files: upload, get, list, a file-based batch, its responses file downloaded, delete", async () => {
    const ai = client();
    const path = join(dir, "requests.jsonl");
    const requests = [
      { key: "r1", request: { contents: [{ role: "user", parts: [{ text: "first question" }] }] } },
      { key: "r2", request: { contents: [{ parts: [{ text: "please fail" }] }], generationConfig: { maxOutputTokens: 9 } } },
    ];
    writeFileSync(path, requests.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const file = await ai.files.upload({ file: path, config: { mimeType: "application/jsonl", displayName: "requests.jsonl" } });
    expect(file.name).toMatch(/^files\/file-/);
    expect(file).toMatchObject({ displayName: "requests.jsonl", mimeType: "application/jsonl", sizeBytes: String(readFileSync(path).byteLength), state: "ACTIVE" });

    const got = await ai.files.get({ name: file.name! });
    expect(got.sizeBytes).toBe(file.sizeBytes);
    const listed: string[] = [];
    for await (const f of await ai.files.list()) listed.push(f.name!);
    expect(listed).toContain(file.name!);
    expect(await status(client("bob").files.get({ name: file.name! }))).toBe(404);

    const job = await ai.batches.create({ model: "models/gemini-2.5-flash", src: file.name!, config: { displayName: "from a file" } });
    expect(api.created.at(-1)!.lines.map((l) => [l.custom_id, l.body.max_tokens])).toEqual([["r1", undefined], ["r2", 9]]);
    const done = await untilDone(ai, job.name!);
    expect(done.state).toBe(JobState.JOB_STATE_SUCCEEDED);
    const responses = done.dest!.fileName!;
    expect(responses).toBe(`files/responses-${job.name!.slice("batches/".length)}`);
    expect((await ai.files.get({ name: responses })).state).toBe(FileState.ACTIVE);

    const out = join(dir, "responses.jsonl");
    await ai.files.download({ file: responses, downloadPath: out });
    const lines = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { key: "r1", response: expect.objectContaining({ candidates: [{ content: { role: "model", parts: [{ text: "echo: first question" }] }, finishReason: "STOP", index: 0 }] }) },
      { key: "r2", error: { code: 3, message: "refused: please fail" } },
    ]);

    // The uploaded file's own bytes come back as they went.
    const copy = join(dir, "copy.jsonl");
    await ai.files.download({ file: file.name!, downloadPath: copy });
    expect(readFileSync(copy, "utf8")).toBe(readFileSync(path, "utf8"));

    await ai.files.delete({ name: file.name! });
    expect(await status(ai.files.get({ name: file.name! }))).toBe(404);
  });

  test("a large upload arrives in the SDK's 8 MiB chunks and is streamed into the store", async () => {
    const ai = client();
    const size = 17 * 1024 * 1024 + 123;
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i++) bytes[i] = 97 + (i % 26);
    const before = api.files.largestChunk;
    const file = await ai.files.upload({ file: new Blob([bytes], { type: "application/jsonl" }), config: { displayName: "big.jsonl" } });
    expect(file.sizeBytes).toBe(String(size));
    const id = file.name!.slice("files/".length);
    const stored = Buffer.concat(api.files.contents.get(id)!);
    expect(stored.byteLength).toBe(size);
    expect(stored.equals(Buffer.from(bytes))).toBe(true);
    // The store saw the body as it arrived, never the whole file (or a whole 8 MiB chunk) at once.
    expect(Math.max(before, api.files.largestChunk)).toBeLessThan(8 * 1024 * 1024);
  });

  test("errors are Google's shape", async () => {
    const res = await fetch(`${base}/genai/v1beta/models/gemini-2.5-flash:batchGenerateContent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-test-owner": "alice" },
      body: JSON.stringify({ batch: { displayName: "x", inputConfig: { requests: { requests: [{ request: { contents: "not an array" } }] } } } }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
    expect(body.error.message).toContain("requests[0]");
    const missing = await fetch(`${base}/genai/v1beta/batches/batch_nope`, { headers: { "x-test-owner": "alice" } });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).error.status).toBe("NOT_FOUND");
    // generateContent still goes to the dialect route: the hook only takes batchGenerateContent.
    const other = await fetch(`${base}/genai/v1beta/models/gemini-2.5-flash:unknownMethod`, { method: "POST", body: "{}" });
    expect(other.status).toBe(404);
  });
});

describe("the resumable upload protocol, by hand", () => {
  async function start(declared: number, owner = "carol"): Promise<string> {
    const res = await fetch(`${base}/genai/upload/v1beta/files`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-test-owner": owner,
        "x-goog-upload-protocol": "resumable",
        "x-goog-upload-command": "start",
        "x-goog-upload-header-content-length": String(declared),
        "x-goog-upload-header-content-type": "application/jsonl",
      },
      body: JSON.stringify({ file: { displayName: `hand-${declared}.jsonl` } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-goog-upload-status")).toBe("active");
    return res.headers.get("x-goog-upload-url")!;
  }

  function chunk(url: string, body: string, offset: number, command: string): Promise<Response> {
    return fetch(url, { method: "POST", headers: { "x-test-owner": "carol", "x-goog-upload-command": command, "x-goog-upload-offset": String(offset) }, body });
  }

  test("each chunk reaches the store before the next one is sent; offsets are checked; the last one finalizes", async () => {
    const url = await start(10);
    expect(new URL(url).pathname).toBe("/genai/upload/v1beta/files");
    const first = await chunk(url, "hello", 0, "upload");
    expect(first.headers.get("x-goog-upload-status")).toBe("active");
    // Already in the store's hands, with the upload not finished.
    expect(api.uploading.get("hand-10.jsonl")).toBe(5);
    const wrong = await chunk(url, "world", 3, "upload, finalize");
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as any).error.message).toContain("x-goog-upload-offset");
    const last = await chunk(url, "world", 5, "upload, finalize");
    expect(last.status).toBe(200);
    expect(last.headers.get("x-goog-upload-status")).toBe("final");
    const { file } = (await last.json()) as any;
    expect(file).toMatchObject({ displayName: "hand-10.jsonl", sizeBytes: "10", mimeType: "application/jsonl" });
    expect(api.files.text(file.name.slice("files/".length))).toBe("helloworld");
    // The session is gone once finished.
    expect((await chunk(url, "more", 10, "upload")).status).toBe(404);
  });

  test("a size other than the declared one is refused and nothing is kept", async () => {
    const url = await start(4);
    const count = api.files.metas.size;
    const res = await chunk(url, "toolong", 0, "upload, finalize");
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toContain("declared 4 bytes");
    expect(api.files.metas.size).toBe(count);
  });

  test("cancel ends the session and the store keeps nothing", async () => {
    const url = await start(8);
    const count = api.files.metas.size;
    await chunk(url, "abcd", 0, "upload");
    const cancelled = await fetch(url, { method: "POST", headers: { "x-test-owner": "carol", "x-goog-upload-command": "cancel" } });
    expect(cancelled.headers.get("x-goog-upload-status")).toBe("cancelled");
    expect((await chunk(url, "efgh", 4, "upload, finalize")).status).toBe(404);
    expect(api.files.metas.size).toBe(count);
  });
});

/** The official @anthropic-ai/sdk against the Anthropic batches and files routes, over a fake BatchApi (a test double). */
import Anthropic, { toFile } from "@anthropic-ai/sdk";
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { FakeBatchApi } from "../../tests/support/batch-doubles/fake-batch-api";
import type { Route } from "../http/route";
import { anthropicBatchRoutes } from "./routes-anthropic";

let fake = new FakeBatchApi();
// The routes are built once over a forwarding object, so each test gets a fresh fake.
const api = new Proxy({} as FakeBatchApi, { get: (_t, k) => (typeof (fake as any)[k] === "function" ? (fake as any)[k].bind(fake) : (fake as any)[k]) });
const app = new Elysia().use(anthropicBatchRoutes(api)).listen({ port: 0, hostname: "127.0.0.1" });
afterAll(() => app.stop(true));
const origin = `http://127.0.0.1:${app.server!.port}`;

const client = (apiKey = "vk-one", headers: Record<string, string> = {}) => new Anthropic({ baseURL: `${origin}/anthropic`, apiKey, maxRetries: 0, defaultHeaders: headers });
const ask = (custom_id: string, text: string) => ({ custom_id, params: { model: "claude-3-5-haiku-latest", max_tokens: 64, messages: [{ role: "user" as const, content: text }] } });

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

beforeEach(() => {
  fake = new FakeBatchApi();
});

describe("Anthropic SDK: message batches", () => {
  test("create → retrieve → results: Anthropic's objects, the lines in OpenAI's chat format, the provider by default anthropic", async () => {
    const c = client();
    const created = await c.messages.batches.create({ requests: [ask("r1", "hello"), { custom_id: "r2", params: { ...ask("r2", "x").params, system: "Be brief.", messages: [{ role: "user", content: "please fail" }] } }] });
    expect(created).toMatchObject({ type: "message_batch", processing_status: "in_progress", request_counts: { processing: 2, succeeded: 0, errored: 0, canceled: 0, expired: 0 }, results_url: null, ended_at: null, cancel_initiated_at: null });
    expect(created.id).toStartWith("batch_");
    expect(Date.parse(created.expires_at) - Date.parse(created.created_at)).toBe(24 * 3600_000);

    const call = fake.calls.find((x) => x.method === "createBatchFromLines")!;
    expect(call.owner).toBe("key:vk-one");
    expect(call.input).toMatchObject({ provider: "anthropic", endpoint: "/v1/chat/completions", completionWindow: "24h" });
    const { lines } = fake.batches.get(created.id)!;
    expect(lines[0]).toEqual({ custom_id: "r1", method: "POST", url: "/v1/chat/completions", body: { model: "claude-3-5-haiku-latest", max_tokens: 64, messages: [{ role: "user", content: "hello" }] } });
    expect(lines[1]!.body.messages).toEqual([{ role: "system", content: "Be brief." }, { role: "user", content: "please fail" }]);

    fake.complete(created.id);
    const ended = await c.messages.batches.retrieve(created.id);
    expect(ended).toMatchObject({ processing_status: "ended", request_counts: { processing: 0, succeeded: 1, errored: 1, canceled: 0, expired: 0 } });
    expect(ended.results_url).toBe(`${origin}/anthropic/v1/messages/batches/${created.id}/results`);
    expect(ended.ended_at).not.toBeNull();

    const results = await all(await c.messages.batches.results(created.id));
    expect(results).toEqual([
      {
        custom_id: "r1",
        result: {
          type: "succeeded",
          message: {
            id: "msg_chatcmpl-0",
            type: "message",
            role: "assistant",
            model: "claude-3-5-haiku-latest",
            content: [{ type: "text", text: "echo: hello" }],
            stop_reason: "end_turn",
            stop_sequence: null,
            usage: expect.objectContaining({ input_tokens: 3, output_tokens: 2 }),
          },
        },
      },
      { custom_id: "r2", result: { type: "errored", error: { type: "error", error: { type: "invalid_request_error", message: "the line asked to fail" }, request_id: "req_1" } } },
    ] as any);
  });

  test("x-model-provider routes the batch to another provider", async () => {
    await client("vk-one", { "x-model-provider": "openai" }).messages.batches.create({ requests: [ask("a", "hi")] });
    expect(fake.calls.find((x) => x.method === "createBatchFromLines")!.input).toMatchObject({ provider: "openai" });
  });

  test("an invalid request is a 400 naming it, in Anthropic's error shape", async () => {
    const c = client();
    const e = await c.messages.batches.create({ requests: [ask("a", "x"), { custom_id: "b", params: { model: "m", messages: [] } as any }] }).catch((x) => x);
    expect(e).toBeInstanceOf(Anthropic.BadRequestError);
    expect(e.error).toEqual({ type: "error", error: { type: "invalid_request_error", message: "requests.1.params: max_tokens: field required" } });
    const dup = await c.messages.batches.create({ requests: [ask("a", "x"), ask("a", "y")] }).catch((x) => x);
    expect(dup.status).toBe(400);
    expect(dup.error.error.message).toBe('requests.1.custom_id: "a" is used by an earlier request');
    expect(fake.batches.size).toBe(0);
  });

  test("list pages newest first with after_id / before_id, has_more, first_id and last_id", async () => {
    const c = client();
    const ids: string[] = [];
    for (const n of ["1", "2", "3"]) ids.push((await c.messages.batches.create({ requests: [ask(n, n)] })).id);
    await client("vk-other").messages.batches.create({ requests: [ask("x", "x")] });

    const page = await c.messages.batches.list({ limit: 2 });
    expect(page.data.map((b) => b.id)).toEqual([ids[2]!, ids[1]!]);
    expect(page).toMatchObject({ has_more: true, first_id: ids[2], last_id: ids[1] });
    expect((await all(c.messages.batches.list({ limit: 2 }))).map((b) => b.id)).toEqual([...ids].reverse());
    const before = await c.messages.batches.list({ before_id: ids[0]!, limit: 1 });
    expect(before.data.map((b) => b.id)).toEqual([ids[1]!]);
    expect(before.has_more).toBe(true);
  });

  test("cancel ends the batch with its requests canceled; results say so", async () => {
    const c = client();
    const b = await c.messages.batches.create({ requests: [ask("a", "x"), ask("b", "y")] });
    const cancelled = await c.messages.batches.cancel(b.id);
    expect(cancelled).toMatchObject({ processing_status: "ended", request_counts: { processing: 0, succeeded: 0, errored: 0, canceled: 2, expired: 0 } });
    expect(cancelled.cancel_initiated_at).not.toBeNull();
    const results = await all(await c.messages.batches.results(b.id));
    expect(results).toEqual([{ custom_id: "a", result: { type: "canceled" } }, { custom_id: "b", result: { type: "canceled" } }]);
  });

  test("another caller's batch is not found; results before the end are refused by the service", async () => {
    const b = await client().messages.batches.create({ requests: [ask("a", "x")] });
    const e = await client("vk-other").messages.batches.retrieve(b.id).catch((x) => x);
    expect(e).toBeInstanceOf(Anthropic.NotFoundError);
    expect(e.error.error.type).toBe("not_found_error");
    const early = await fetch(`${origin}/anthropic/v1/messages/batches/${b.id}/results`, { headers: { "x-api-key": "vk-one" } });
    expect(early.status).toBe(400);
    expect(await early.json()).toEqual({ type: "error", error: { type: "invalid_request_error", message: `batch ${b.id} has not ended yet` } });
  });

  test("delete an ended batch", async () => {
    const c = client();
    const b = await c.messages.batches.create({ requests: [ask("a", "x")] });
    expect((await c.messages.batches.delete(b.id).catch((x) => x)).status).toBe(400);
    fake.complete(b.id);
    expect(await c.messages.batches.delete(b.id)).toEqual({ id: b.id, type: "message_batch_deleted" });
    expect(fake.batches.has(b.id)).toBe(false);
  });
});

describe("Anthropic SDK: files (beta)", () => {
  test("upload, retrieve metadata, list, download and delete", async () => {
    const c = client();
    const content = '{"custom_id":"a"}\n{"custom_id":"b"}\n';
    const up = await c.beta.files.upload({ file: await toFile(new Blob([content]), "dir/input.jsonl") });
    expect(up).toMatchObject({ type: "file", filename: "input.jsonl", mime_type: "application/jsonl", size_bytes: content.length, downloadable: true });
    expect(up.id).toStartWith("file-");
    expect(fake.calls.find((x) => x.method === "uploadFile")!.input).toMatchObject({ filename: "input.jsonl", purpose: "batch", provider: "anthropic" });

    expect(await c.beta.files.retrieveMetadata(up.id)).toEqual(up);
    const second = await c.beta.files.upload({ file: await toFile(new Blob(["hello"]), "notes.txt") });
    const listed = await c.beta.files.list({ limit: 1 });
    expect(listed.data.map((f) => f.id)).toEqual([second.id]);
    expect((await all(c.beta.files.list({ limit: 1 }))).map((f) => f.id)).toEqual([second.id, up.id]);

    const download = await c.beta.files.download(up.id);
    expect(download.headers.get("content-type")).toBe("application/jsonl");
    expect(await download.text()).toBe(content);

    expect(await c.beta.files.delete(up.id)).toEqual({ id: up.id, type: "file_deleted" });
    expect(await c.beta.files.retrieveMetadata(up.id).catch((x) => x.status)).toBe(404);
    expect(await client("vk-other").beta.files.retrieveMetadata(second.id).catch((x) => x.status)).toBe(404);
  });

  test("upload with x-model-provider and expires_in_seconds", async () => {
    const up = await client("vk-one", { "x-model-provider": "gemini" }).beta.files.upload({ file: await toFile(new Blob(["x"]), "a.txt"), expires_in_seconds: 7200 } as any);
    expect(fake.calls.find((x) => x.method === "uploadFile")!.input).toMatchObject({ provider: "gemini" });
    // The SDK sends the file first, then expires_in_seconds: too late for a streamed upload, so the default applies.
    expect(up.expires_at).toBeNull();
  });

  test("expires_in_seconds before the file part sets the expiry; out of Anthropic's range is a 400", async () => {
    const form = (seconds: string) => {
      const f = new FormData();
      f.set("expires_in_seconds", seconds);
      f.set("file", new Blob(["x"]), "a.txt");
      return f;
    };
    const res = await fetch(`${origin}/anthropic/v1/files`, { method: "POST", body: form("7200"), headers: { "x-api-key": "vk-one" } });
    const file = (await res.json()) as { expires_at: string; created_at: string };
    expect(Date.parse(file.expires_at) - Date.parse(file.created_at)).toBe(7200_000);
    const bad = await fetch(`${origin}/anthropic/v1/files`, { method: "POST", body: form("60"), headers: { "x-api-key": "vk-one" } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.message).toBe("expires_in_seconds: must be an integer from 3600 to 7776000");
  });

  test("a multipart body without a file is a 400", async () => {
    const form = new FormData();
    form.set("purpose", "batch");
    const res = await fetch(`${origin}/anthropic/v1/files`, { method: "POST", body: form, headers: { "x-api-key": "vk-one" } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ type: "error", error: { type: "invalid_request_error", message: "file: field required" } });
  });
});

describe("mounted with the app's route maker", () => {
  test("its answer headers are on every answer, errors included", async () => {
    // A stand-in for src/http/route.ts's routeMaker: it hands each route the answer's own headers.
    const route: Route = (serve) => ({ request, params }) =>
      serve({ request, params: params ?? {}, headers: { "x-request-id": "rid-1" }, options: () => ({}) as any, holdOpen: () => {} });
    const routed = new Elysia().use(anthropicBatchRoutes(api, { route, publicUrl: "https://gw.example/" })).listen({ port: 0, hostname: "127.0.0.1" });
    try {
      const base = `http://127.0.0.1:${routed.server!.port}/anthropic/v1/messages/batches`;
      const created = await fetch(base, { method: "POST", headers: { "x-api-key": "vk-one", "content-type": "application/json" }, body: JSON.stringify({ requests: [ask("a", "x")] }) });
      expect(created.headers.get("x-request-id")).toBe("rid-1");
      const b = (await created.json()) as { id: string };
      fake.complete(b.id);
      const got = (await (await fetch(`${base}/${b.id}`, { headers: { "x-api-key": "vk-one" } })).json()) as { results_url: string };
      expect(got.results_url).toBe(`https://gw.example/anthropic/v1/messages/batches/${b.id}/results`);
      const missing = await fetch(`${base}/batch_nope`, { headers: { "x-api-key": "vk-one" } });
      expect(missing.status).toBe(404);
      expect(missing.headers.get("x-request-id")).toBe("rid-1");
    } finally {
      routed.stop(true);
    }
  });
});

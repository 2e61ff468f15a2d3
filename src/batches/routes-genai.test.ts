import { describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { FakeBatchApi } from "../../tests/support/fake-batch-api";
import { eventually } from "../../tests/support/wait";
import { genaiBatchRoutes, UploadPipe } from "./routes-genai";

function body(...parts: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const p of parts) c.enqueue(new TextEncoder().encode(p));
      c.close();
    },
  });
}

async function drain(pipe: UploadPipe): Promise<string> {
  let s = "";
  for await (const chunk of pipe) s += new TextDecoder().decode(chunk);
  return s;
}

describe("UploadPipe", () => {
  test("bodies fed one after another read as one stream; each feed resolves with its size once drained", async () => {
    const pipe = new UploadPipe();
    const read = drain(pipe);
    expect(await pipe.feed(body("ab", "cd"), false)).toBe(4);
    expect(await pipe.feed(body("efg"), true)).toBe(3);
    expect(await read).toBe("abcdefg");
  });

  test("only one feed at a time; a failure reaches both the reader and the feed", async () => {
    const pipe = new UploadPipe();
    const pending = pipe.feed(new ReadableStream(), false);
    await expect(pipe.feed(body("x"), false)).rejects.toThrow("not taking another chunk");
    const read = drain(pipe);
    pipe.fail(new Error("gone"));
    await expect(pending).rejects.toThrow("gone");
    await expect(read).rejects.toThrow("gone");
    await expect(pipe.feed(body("y"), true)).rejects.toThrow("gone");
  });

  test("a consumer that stops early fails the feed in progress", async () => {
    const pipe = new UploadPipe();
    const fed = pipe.feed(body("a", "b", "c"), true);
    for await (const _ of pipe) break;
    await expect(fed).rejects.toThrow("not accepted");
  });
});

describe("upload sessions", () => {
  test("a session idle too long is dropped and the store keeps nothing", async () => {
    const api = new FakeBatchApi();
    const app = new Elysia().use(genaiBatchRoutes(api, { uploadIdleMs: 30 }));
    const start = await app.handle(
      new Request("http://localhost/genai/upload/v1beta/files", {
        method: "POST",
        headers: { "x-goog-upload-protocol": "resumable", "x-goog-upload-command": "start", "content-type": "application/json" },
        body: JSON.stringify({ file: { displayName: "idle.jsonl" } }),
      }),
    );
    const url = start.headers.get("x-goog-upload-url")!;
    const first = await app.handle(new Request(url, { method: "POST", headers: { "x-goog-upload-command": "upload", "x-goog-upload-offset": "0" }, body: "abc" }));
    expect(first.headers.get("x-goog-upload-status")).toBe("active");
    await eventually(async () => (await app.handle(new Request(url, { method: "POST", headers: { "x-goog-upload-command": "query" } }))).status === 404);
    expect(api.files.metas.size).toBe(0);
  });

  test("the start refuses other protocols", async () => {
    const app = new Elysia().use(genaiBatchRoutes(new FakeBatchApi()));
    const res = await app.handle(new Request("http://localhost/genai/upload/v1beta/files", { method: "POST", headers: { "x-goog-upload-protocol": "multipart", "x-goog-upload-command": "start" }, body: "{}" }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
  });
});

describe("upload sessions belong to their caller", () => {
  test("another caller cannot write into, query, cancel or finalize someone else's upload session", async () => {
    const api = new FakeBatchApi();
    const app = new Elysia().use(genaiBatchRoutes(api));
    const start = await app.handle(
      new Request("http://localhost/genai/upload/v1beta/files", {
        method: "POST",
        headers: { "x-test-owner": "alice", "x-goog-upload-protocol": "resumable", "x-goog-upload-command": "start", "content-type": "application/json" },
        body: JSON.stringify({ file: { displayName: "mine.jsonl" } }),
      }),
    );
    const url = start.headers.get("x-goog-upload-url")!;
    const as = (owner: string, command: string, offset: string | null, body?: string) =>
      app.handle(new Request(url, { method: "POST", headers: { "x-test-owner": owner, "x-goog-upload-command": command, ...(offset !== null ? { "x-goog-upload-offset": offset } : {}) }, body }));
    expect((await as("alice", "upload", "0", "abc")).status).toBe(200);
    for (const [command, offset, body] of [["upload", "3", "EVIL"], ["upload, finalize", "3", "EVIL"], ["query", null, undefined], ["cancel", null, undefined]] as const) {
      expect((await as("mallory", command, offset, body)).status).toBe(404);
    }
    const done = await as("alice", "upload, finalize", "3", "def");
    expect(done.status).toBe(200);
    const file = ((await done.json()) as any).file;
    expect(file.sizeBytes).toBe("6");
    const id = String(file.name).slice("files/".length);
    expect(api.files.text(id)).toBe("abcdef");
  });
});

/**
 * The mock's OpenAI Files and Batch APIs (tests/support/mock/openai-batches.ts) driven by the official `openai`
 * SDK, straight at the mock upstream: proof that the mock speaks the protocol the SDK expects, so tests of the
 * gateway's batch backend against it mean something.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI, { toFile } from "openai";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { FAIL_MODEL, openaiBatchMock } from "../support/mock/openai-batches";

let mock: MockUpstream;
let client: OpenAI;

beforeAll(async () => {
  // The default dialects: the registered instance, as every other test gets it.
  mock = await startMockUpstream();
  client = new OpenAI({ apiKey: "sk-sdk-test", baseURL: `${mock.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await mock.stop();
});

const jsonl = (lines: object[]) => lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
const line = (id: string, model: string, text: string) => ({ custom_id: id, method: "POST", url: "/v1/chat/completions", body: { model, messages: [{ role: "user", content: text }] } });

describe("the mock's OpenAI Files and Batch APIs, with the openai SDK", () => {
  test("files.create → batches.create → batches.retrieve until completed → files.content of the output and error files", async () => {
    const content = jsonl([line("one", "gpt-4o-mini", "first question"), line("two", FAIL_MODEL, "second"), line("three", "gpt-4o-mini", "third question")]);
    const file = await client.files.create({ file: await toFile(Buffer.from(content), "input.jsonl"), purpose: "batch" });
    expect(file).toMatchObject({ object: "file", purpose: "batch", filename: "input.jsonl", bytes: Buffer.byteLength(content), status: "processed" });
    expect(file.id).toStartWith("file-");
    expect(await client.files.retrieve(file.id)).toEqual(file);
    expect(await (await client.files.content(file.id)).text()).toBe(content);
    const listed = await client.files.list({ purpose: "batch" });
    expect(listed.data.map((f) => f.id)).toContain(file.id);

    const created = await client.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h", metadata: { run: "sdk" } });
    expect(created).toMatchObject({ object: "batch", status: "validating", input_file_id: file.id, metadata: { run: "sdk" }, output_file_id: null });

    const seen: string[] = [];
    let batch = created;
    while (batch.status !== "completed" && seen.length < 5) {
      batch = await client.batches.retrieve(created.id);
      seen.push(batch.status);
    }
    expect(seen).toEqual(["in_progress", "completed"]);
    expect(batch.request_counts).toEqual({ total: 3, completed: 2, failed: 1 });
    expect(batch.output_file_id).toStartWith("file-");
    expect(batch.error_file_id).toStartWith("file-");

    const output = (await (await client.files.content(batch.output_file_id!)).text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(output.map((o) => o.custom_id)).toEqual(["one", "three"]);
    expect(output[0]).toMatchObject({
      custom_id: "one",
      error: null,
      response: { status_code: 200, body: { object: "chat.completion", model: "gpt-4o-mini", choices: [{ message: { content: "mock reply to: first question" } }], usage: { prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 } } },
    });
    const errors = (await (await client.files.content(batch.error_file_id!)).text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(errors).toMatchObject([{ custom_id: "two", response: { status_code: 404, body: { error: { code: "model_not_found" } } } }]);

    const batches = await client.batches.list();
    expect(batches.data.map((b) => b.id)).toContain(created.id);
    expect(await client.files.delete(file.id)).toEqual({ id: file.id, object: "file", deleted: true });
    expect(await client.files.retrieve(file.id).catch((e) => e)).toBeInstanceOf(OpenAI.NotFoundError);
  });

  test("batches.cancel, and the test trigger moving a batch along", async () => {
    openaiBatchMock.autoAdvance = false;
    try {
      const file = await client.files.create({ file: await toFile(Buffer.from(jsonl([line("a", "gpt-4o-mini", "hi")])), "in.jsonl"), purpose: "batch" });
      const b = await client.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" });
      expect((await client.batches.retrieve(b.id)).status).toBe("validating");
      expect(openaiBatchMock.advance(b.id)).toBe("in_progress");
      const cancelling = await client.batches.cancel(b.id);
      expect(cancelling.status).toBe("cancelling");
      expect(openaiBatchMock.complete(b.id)).toBe("cancelled");
      expect((await client.batches.retrieve(b.id)).status).toBe("cancelled");
    } finally {
      openaiBatchMock.autoAdvance = true;
    }
  });

  // The SDK's promises are lazy (APIPromise): awaited through .catch, which expect().rejects does not follow.
  test("the SDK's own errors: a bad key, a missing input file, an unknown batch", async () => {
    const bad = new OpenAI({ apiKey: "bad-key", baseURL: `${mock.url}/v1`, maxRetries: 0 });
    expect(await bad.files.list().catch((e) => e)).toBeInstanceOf(OpenAI.AuthenticationError);
    const missing = await client.batches.create({ input_file_id: "file-nope", endpoint: "/v1/chat/completions", completion_window: "24h" }).catch((e) => e);
    expect(missing).toBeInstanceOf(OpenAI.BadRequestError);
    expect(missing.param).toBe("input_file_id");
    expect(await client.batches.retrieve("batch_nope").catch((e) => e)).toBeInstanceOf(OpenAI.NotFoundError);
    // Another key (another project) sees none of this key's files.
    const other = new OpenAI({ apiKey: "sk-someone-else", baseURL: `${mock.url}/v1`, maxRetries: 0 });
    const file = await client.files.create({ file: await toFile(Buffer.from(jsonl([line("a", "gpt-4o-mini", "hi")])), "in.jsonl"), purpose: "batch" });
    expect(await other.files.retrieve(file.id).catch((e) => e)).toBeInstanceOf(OpenAI.NotFoundError);
  });
});

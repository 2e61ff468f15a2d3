/**
 * A TEST DOUBLE of the BatchApi (src/batches/service.ts implements the real one): files in a
 * MemoryFileStore, batches in a Map, nothing sent to any provider. A batch stays in_progress until the
 * test calls `complete(id)`, which answers every line itself: a chat.completion saying
 * "echo: <last user text>", or a 400 for a line whose text has the word "fail". `cancelBatch` ends it at
 * once with every line a batch_cancelled error. Owners are the caller's x-api-key ("key:<value>"): a
 * caller sees only its own, and anyone else's id is a 404, as the real service promises.
 */
import { BifrostError } from "../../../src/schemas/error";
import type { BatchApi, BatchCaller, BatchInputLine, BatchOutputLine, BatchRecord, CreateBatchInput, FileMeta, FileQuery, UploadInput } from "../../../src/batches/types";
import { jsonlTexts } from "../../../src/batches/jsonl";
import { ENDED } from "../../../src/batches/types";
import { MemoryFileStore, bytesOf } from "./memory-file-store";

export interface FakeCall {
  method: string;
  owner: string | null;
  input?: unknown;
}

export class FakeBatchApi implements BatchApi {
  readonly files = new MemoryFileStore();
  readonly batches = new Map<string, { rec: BatchRecord; lines: BatchInputLine[]; outputs: BatchOutputLine[] | null }>();
  /** Every call, for assertions on what a surface passed (provider, endpoint, lines…). */
  readonly calls: FakeCall[] = [];
  private seq = 0;
  private clock = Date.parse("2026-01-01T00:00:00Z");

  private now(): number {
    return (this.clock += 1000);
  }

  private ownerOf(caller: BatchCaller): string | null {
    const key = caller.headers.get("x-api-key") ?? /^Bearer\s+(.+)$/i.exec(caller.headers.get("authorization") ?? "")?.[1];
    return key ? `key:${key}` : null;
  }

  private note(method: string, caller: BatchCaller, input?: unknown): string | null {
    const owner = this.ownerOf(caller);
    this.calls.push({ method, owner, input });
    return owner;
  }

  private id(prefix: string): string {
    return `${prefix}${String(++this.seq).padStart(4, "0")}${crypto.randomUUID().replace(/-/g, "").slice(0, 12)}`;
  }

  async uploadFile(caller: BatchCaller, input: UploadInput): Promise<FileMeta> {
    const owner = this.note("uploadFile", caller, { ...input, body: undefined });
    const createdAt = this.now();
    const expiresAt = input.expiresAfterSeconds ? createdAt + input.expiresAfterSeconds * 1000 : null;
    return this.files.put({ id: this.id("file-"), owner, provider: input.provider, filename: input.filename, purpose: input.purpose, createdAt, expiresAt, generated: false }, input.body, 1 << 30);
  }

  async getFile(caller: BatchCaller, id: string): Promise<FileMeta> {
    const owner = this.note("getFile", caller, id);
    const meta = await this.files.get(id);
    if (!meta || meta.owner !== owner) throw notFound("file", id);
    return meta;
  }

  async listFiles(caller: BatchCaller, q: Omit<FileQuery, "owner">): Promise<FileMeta[]> {
    const owner = this.note("listFiles", caller, q);
    return this.files.list({ ...q, owner });
  }

  async fileContent(caller: BatchCaller, id: string): Promise<{ meta: FileMeta; body: AsyncIterable<Uint8Array> }> {
    const meta = await this.getFile(caller, id);
    return { meta, body: this.files.read(id) };
  }

  async deleteFile(caller: BatchCaller, id: string): Promise<void> {
    await this.getFile(caller, id);
    await this.files.delete(id);
  }

  async createBatch(caller: BatchCaller, input: CreateBatchInput & { inputFileId: string }): Promise<BatchRecord> {
    const file = await this.getFile(caller, input.inputFileId);
    const lines: BatchInputLine[] = [];
    for await (const text of jsonlTexts(this.files.read(file.id))) lines.push(JSON.parse(text));
    return this.store(caller, input, file.id, lines);
  }

  async createBatchFromLines(caller: BatchCaller, input: CreateBatchInput & { lines: AsyncIterable<BatchInputLine> | BatchInputLine[] }): Promise<BatchRecord> {
    const owner = this.note("createBatchFromLines", caller, input);
    const lines: BatchInputLine[] = [];
    for await (const l of input.lines) lines.push(l);
    const text = lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
    const file = await this.files.put({ id: this.id("file-"), owner, provider: input.provider, filename: "batch_input.jsonl", purpose: "batch", createdAt: this.now(), expiresAt: null, generated: true }, bytesOf(text), 1 << 30);
    return this.store(caller, input, file.id, lines);
  }

  private store(caller: BatchCaller, input: CreateBatchInput, inputFileId: string, lines: BatchInputLine[]): BatchRecord {
    const createdAt = this.now();
    const rec: BatchRecord = {
      id: this.id("batch_"),
      owner: this.ownerOf(caller),
      provider: input.provider,
      endpoint: input.endpoint,
      inputFileId,
      completionWindow: input.completionWindow ?? "24h",
      metadata: input.metadata ?? null,
      status: "in_progress",
      mode: "gateway",
      upstreamId: null,
      upstreamState: null,
      counts: { total: lines.length, completed: 0, failed: 0 },
      outputFileId: null,
      errorFileId: null,
      errors: null,
      cost: null,
      createdAt,
      inProgressAt: createdAt,
      finalizingAt: null,
      completedAt: null,
      failedAt: null,
      expiredAt: null,
      cancellingAt: null,
      cancelledAt: null,
      expiresAt: createdAt + 24 * 3600_000,
    };
    this.batches.set(rec.id, { rec, lines, outputs: null });
    return { ...rec };
  }

  private entry(caller: BatchCaller, id: string) {
    const e = this.batches.get(id);
    if (!e || e.rec.owner !== this.ownerOf(caller)) throw notFound("batch", id);
    return e;
  }

  async getBatch(caller: BatchCaller, id: string): Promise<BatchRecord> {
    this.note("getBatch", caller, id);
    return { ...this.entry(caller, id).rec };
  }

  async listBatches(caller: BatchCaller, q: { after?: string; limit: number }): Promise<BatchRecord[]> {
    const owner = this.note("listBatches", caller, q);
    const all = [...this.batches.values()].map((e) => e.rec).filter((r) => r.owner === owner).reverse();
    const start = q.after ? all.findIndex((r) => r.id === q.after) + 1 : 0;
    return all.slice(start, start + q.limit).map((r) => ({ ...r }));
  }

  async cancelBatch(caller: BatchCaller, id: string): Promise<BatchRecord> {
    this.note("cancelBatch", caller, id);
    const e = this.entry(caller, id);
    if (ENDED.has(e.rec.status)) return { ...e.rec };
    const at = this.now();
    e.outputs = e.lines.map((l, i) => ({ id: `batch_req_${i}`, custom_id: l.custom_id, response: null, error: { code: "batch_cancelled", message: "cancelled before it ran" } }));
    Object.assign(e.rec, { status: "cancelled", cancellingAt: at, cancelledAt: at });
    return { ...e.rec };
  }

  async *results(caller: BatchCaller, id: string): AsyncIterable<BatchOutputLine> {
    this.note("results", caller, id);
    const e = this.entry(caller, id);
    if (!e.outputs) throw new BifrostError({ status: 400, type: "invalid_request_error", message: `batch ${id} has not ended yet` });
    yield* e.outputs;
  }

  /** Anthropic's delete (not part of BatchApi; see BatchDeletion in routes-anthropic.ts): ended batches only. */
  async deleteBatch(caller: BatchCaller, id: string): Promise<void> {
    this.note("deleteBatch", caller, id);
    const e = this.entry(caller, id);
    if (!ENDED.has(e.rec.status)) throw new BifrostError({ status: 400, type: "invalid_request_error", message: `batch ${id} has not ended; cancel it first` });
    this.batches.delete(id);
  }

  /** The test's clock: runs every line of the batch and ends it completed. */
  complete(id: string): void {
    const e = this.batches.get(id)!;
    e.outputs = e.lines.map((l, i) => answer(l, i));
    const failed = e.outputs.filter((o) => o.response?.status_code !== 200).length;
    const at = this.now();
    Object.assign(e.rec, { status: "completed", finalizingAt: at, completedAt: at, counts: { total: e.lines.length, completed: e.lines.length - failed, failed } });
  }
}

function answer(line: BatchInputLine, i: number): BatchOutputLine {
  const messages = (line.body.messages as Array<{ role: string; content: unknown }>) ?? [];
  const last = [...messages].reverse().find((m) => m.role === "user");
  const text = typeof last?.content === "string" ? last.content : JSON.stringify(last?.content ?? "");
  const id = `batch_req_${i}`;
  if (/\bfail\b/i.test(text)) {
    return { id, custom_id: line.custom_id, response: { status_code: 400, request_id: `req_${i}`, body: { error: { message: "the line asked to fail", type: "invalid_request_error", param: null, code: null } } }, error: null };
  }
  const body = {
    id: `chatcmpl-${i}`,
    object: "chat.completion",
    created: 1767225600,
    model: line.body.model,
    choices: [{ index: 0, message: { role: "assistant", content: `echo: ${text}` }, finish_reason: "stop" }],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  };
  return { id, custom_id: line.custom_id, response: { status_code: 200, request_id: `req_${i}`, body }, error: null };
}

function notFound(what: string, id: string): BifrostError {
  return new BifrostError({ status: 404, type: "not_found_error", message: `no ${what} ${id}` });
}

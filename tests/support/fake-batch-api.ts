/**
 * TEST DOUBLE: an in-memory BatchApi (src/batches/types.ts) so the route surfaces can be tested without the
 * real service (src/batches/service.ts). It keeps files in a MemoryFileStore and batches in a Map, and runs
 * nothing upstream: a batch is in_progress once made and completes on its `pollsToFinish`-th getBatch (or on
 * `finish(id)`), every chat line answered "echo: <last user text>" with usage, except a line whose last user
 * text says "fail" (an error line). Scoping: the caller's owner is its `x-test-owner` header (none: null);
 * another owner's id is a 404, as the real service answers.
 */
import type {
  BatchApi,
  BatchCaller,
  BatchInputLine,
  BatchOutputLine,
  BatchRecord,
  CreateBatchInput,
  FileMeta,
  FileQuery,
  Owner,
  UploadInput,
} from "../../src/batches/types";
import { ENDED } from "../../src/batches/types";
import { BifrostError } from "../../src/schemas/error";
import { MemoryFileStore } from "./batch-doubles/memory-file-store";

export interface FakeBatchApiOptions {
  /** The getBatch call on which a batch completes (Infinity: only finish()). Default 2. */
  pollsToFinish?: number;
  maxUploadBytes?: number;
}

interface FakeBatch {
  rec: BatchRecord;
  lines: BatchInputLine[];
  polls: number;
}

let seq = 0;

function id(prefix: string): string {
  return `${prefix}${(++seq).toString(36)}${Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString("hex")}`;
}

function notFound(what: string): BifrostError {
  return new BifrostError({ status: 404, type: "not_found_error", message: `no such ${what}` });
}

export class FakeBatchApi implements BatchApi {
  readonly files = new MemoryFileStore();
  readonly batches = new Map<string, FakeBatch>();
  /** Every createBatchFromLines call's input (provider, endpoint, metadata) and its lines, for assertions. */
  readonly created: Array<CreateBatchInput & { lines: BatchInputLine[] }> = [];
  /** Bytes each upload in progress has handed to the store so far, by filename. */
  readonly uploading = new Map<string, number>();
  private readonly pollsToFinish: number;
  private readonly maxUploadBytes: number;

  constructor(opts: FakeBatchApiOptions = {}) {
    this.pollsToFinish = opts.pollsToFinish ?? 2;
    this.maxUploadBytes = opts.maxUploadBytes ?? 200 * 1024 * 1024;
  }

  async owner(caller: BatchCaller): Promise<Owner> {
    return this.ownerOf(caller);
  }

  private ownerOf(caller: BatchCaller): Owner {
    return caller.headers.get("x-test-owner") ?? null;
  }

  private async ownFile(caller: BatchCaller, id: string): Promise<FileMeta> {
    const meta = await this.files.get(id);
    if (!meta || meta.owner !== this.ownerOf(caller)) throw notFound(`file: ${id}`);
    return meta;
  }

  private ownBatch(caller: BatchCaller, id: string): FakeBatch {
    const b = this.batches.get(id);
    if (!b || b.rec.owner !== this.ownerOf(caller)) throw notFound(`batch: ${id}`);
    return b;
  }

  async uploadFile(caller: BatchCaller, input: UploadInput): Promise<FileMeta> {
    const owner = this.ownerOf(caller);
    const counted = this.count(input.filename, input.body);
    return this.files.put(
      { id: id("file-"), owner, provider: input.provider, filename: input.filename, purpose: input.purpose, createdAt: Date.now(), expiresAt: null, generated: false },
      counted,
      this.maxUploadBytes,
    );
  }

  private async *count(name: string, body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    this.uploading.set(name, 0);
    for await (const chunk of body) {
      this.uploading.set(name, (this.uploading.get(name) ?? 0) + chunk.byteLength);
      yield chunk;
    }
  }

  async getFile(caller: BatchCaller, id: string): Promise<FileMeta> {
    return this.ownFile(caller, id);
  }

  async listFiles(caller: BatchCaller, q: Omit<FileQuery, "owner">): Promise<FileMeta[]> {
    return this.files.list({ ...q, owner: this.ownerOf(caller) });
  }

  async fileContent(caller: BatchCaller, id: string): Promise<{ meta: FileMeta; body: AsyncIterable<Uint8Array> }> {
    const meta = await this.ownFile(caller, id);
    return { meta, body: this.files.read(id) };
  }

  async deleteFile(caller: BatchCaller, id: string): Promise<void> {
    await this.ownFile(caller, id);
    await this.files.delete(id);
  }

  async createBatch(caller: BatchCaller, input: CreateBatchInput & { inputFileId: string }): Promise<BatchRecord> {
    const { body } = await this.fileContent(caller, input.inputFileId);
    const text = Buffer.concat(await Array.fromAsync(body)).toString("utf8");
    const lines = text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as BatchInputLine);
    return this.createBatchFromLines(caller, { ...input, lines });
  }

  async createBatchFromLines(caller: BatchCaller, input: CreateBatchInput & { lines: AsyncIterable<BatchInputLine> | BatchInputLine[] }): Promise<BatchRecord> {
    const lines: BatchInputLine[] = [];
    for await (const l of input.lines as AsyncIterable<BatchInputLine>) lines.push(l);
    if (!lines.length) throw BifrostError.badRequest("the batch has no lines");
    const ids = new Set(lines.map((l) => l.custom_id));
    if (ids.size !== lines.length) throw BifrostError.badRequest("custom_id values must be unique");
    const owner = this.ownerOf(caller);
    const jsonl = new TextEncoder().encode(lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    const file = await this.files.put(
      { id: id("file-"), owner, provider: input.provider, filename: "batch-input.jsonl", purpose: "batch", createdAt: Date.now(), expiresAt: null, generated: true },
      (async function* () {
        yield jsonl;
      })(),
      Infinity,
    );
    const now = Date.now();
    const rec: BatchRecord = {
      id: id("batch_"), owner, provider: input.provider, endpoint: input.endpoint, inputFileId: file.id, completionWindow: input.completionWindow ?? "24h",
      metadata: input.metadata ?? null, status: "in_progress", mode: "gateway", upstreamId: null, upstreamState: null,
      counts: { total: lines.length, completed: 0, failed: 0 }, outputFileId: null, errorFileId: null, errors: null, cost: null,
      createdAt: now, inProgressAt: now, finalizingAt: null, completedAt: null, failedAt: null, expiredAt: null, cancellingAt: null, cancelledAt: null,
      expiresAt: now + 24 * 3600 * 1000,
    };
    this.batches.set(rec.id, { rec, lines, polls: 0 });
    this.created.push({ provider: input.provider, endpoint: input.endpoint, completionWindow: input.completionWindow, metadata: input.metadata, lines });
    return { ...rec };
  }

  async getBatch(caller: BatchCaller, id: string): Promise<BatchRecord> {
    const b = this.ownBatch(caller, id);
    if (!ENDED.has(b.rec.status) && ++b.polls >= this.pollsToFinish) this.finish(id);
    return { ...b.rec };
  }

  async listBatches(caller: BatchCaller, q: { after?: string; limit: number }): Promise<BatchRecord[]> {
    let all = [...this.batches.values()].filter((b) => b.rec.owner === this.ownerOf(caller)).reverse();
    if (q.after) {
      const at = all.findIndex((b) => b.rec.id === q.after);
      all = at === -1 ? [] : all.slice(at + 1);
    }
    return all.slice(0, q.limit).map((b) => ({ ...b.rec }));
  }

  async cancelBatch(caller: BatchCaller, id: string): Promise<BatchRecord> {
    const b = this.ownBatch(caller, id);
    if (!ENDED.has(b.rec.status)) Object.assign(b.rec, { status: "cancelled", cancellingAt: Date.now(), cancelledAt: Date.now() });
    return { ...b.rec };
  }

  async *results(caller: BatchCaller, id: string): AsyncIterable<BatchOutputLine> {
    const b = this.ownBatch(caller, id);
    if (!ENDED.has(b.rec.status)) throw BifrostError.badRequest(`batch ${id} has not ended (${b.rec.status})`);
    for (const [i, line] of b.lines.entries()) yield this.answer(b, i, line);
  }

  /** Ends a batch as completed, counting its lines' outcomes. */
  finish(id: string): void {
    const b = this.batches.get(id);
    if (!b || ENDED.has(b.rec.status)) return;
    const out = b.lines.map((l, i) => this.answer({ ...b, rec: { ...b.rec, status: "completed" } }, i, l));
    const failed = out.filter((o) => o.error || (o.response && o.response.status_code !== 200)).length;
    Object.assign(b.rec, { status: "completed", completedAt: Date.now(), finalizingAt: Date.now(), counts: { total: out.length, completed: out.length - failed, failed } });
  }

  private answer(b: FakeBatch, i: number, line: BatchInputLine): BatchOutputLine {
    const lineId = `batch_req_${b.rec.id}_${i}`;
    if (b.rec.status === "cancelled") return { id: lineId, custom_id: line.custom_id, response: null, error: { code: "batch_cancelled", message: "the batch was cancelled before this request ran" } };
    const messages = (line.body.messages as Array<{ role: string; content: unknown }>) ?? [];
    const user = [...messages].reverse().find((m) => m.role === "user");
    const text = typeof user?.content === "string" ? user.content : Array.isArray(user?.content) ? user.content.map((p: any) => p?.text ?? "").join(" ") : "";
    if (/\bfail\b/.test(text)) return { id: lineId, custom_id: line.custom_id, response: null, error: { code: "invalid_argument", message: `refused: ${text}` } };
    const reply = `echo: ${text}`;
    const prompt = text.split(/\s+/).filter(Boolean).length;
    const completion = reply.split(/\s+/).length;
    return {
      id: lineId,
      custom_id: line.custom_id,
      response: {
        status_code: 200,
        request_id: `req_${i}`,
        body: {
          id: `chatcmpl-fake-${i}`,
          object: "chat.completion",
          created: Math.floor(Date.now() / 1000),
          model: String(line.body.model),
          choices: [{ index: 0, message: { role: "assistant", content: reply }, finish_reason: "stop" }],
          usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
        },
      },
      error: null,
    };
  }
}

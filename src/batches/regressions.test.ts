/**
 * Regressions found in review: the retention sweep deleting the input of a batch still running, and a refresh
 * working from a stale record reopening (and re-finalising) a native batch that had already ended.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Bifrost } from "../core/bifrost";
import { batchSettings } from "./config";
import { jsonlBytes } from "./jsonl";
import { BatchService } from "./service";
import type { BackendContext, BatchBackend, BatchCaller, BatchInputLine, BatchOutputLine, BatchRecord, Refreshed } from "./types";

class Backend implements BatchBackend {
  readonly kinds = ["openai"];
  next: Refreshed = { status: "in_progress", counts: { total: 1, completed: 0, failed: 0 } };
  /** Set: submit waits for it (a slow upload upstream). */
  gate: Promise<void> | null = null;
  submitting: (() => void) | null = null;
  cancels: string[] = [];
  async submit(_ctx: BackendContext, _b: BatchRecord, input: AsyncIterable<BatchInputLine>) {
    for await (const _ of input);
    this.submitting?.();
    if (this.gate) await this.gate;
    return { upstreamId: "up-1" };
  }
  async refresh() {
    return this.next;
  }
  async cancel(_ctx: BackendContext, b: BatchRecord) {
    this.cancels.push(b.upstreamId ?? "");
    return { status: "cancelling" as const, counts: this.next.counts };
  }
  async *results(): AsyncIterable<BatchOutputLine> {
    yield { id: "r1", custom_id: "a", response: { status_code: 200, request_id: "q1", body: { object: "chat.completion" } }, error: null };
  }
}

const caller: BatchCaller = { headers: new Headers() };
const line = JSON.stringify({ custom_id: "a", method: "POST", url: "/v1/chat/completions", body: { model: "gpt-4o-mini", messages: [{ role: "user", content: "a" }] } });

describe("batch regressions", () => {
  let bf: Bifrost;
  let svc: BatchService;
  const backend = new Backend();
  beforeAll(async () => {
    bf = await Bifrost.create({ providers: { openai: { keys: [{ name: "k", value: "sk-k" }], network_config: { base_url: "http://127.0.0.1:9" } } } }, { workers: 0 });
    const dir = mkdtempSync(join(tmpdir(), "bf-batch-regr-"));
    svc = await BatchService.open(bf, batchSettings({ store: { type: "sqlite", path: join(dir, "b.db") } }, dir), { backends: () => [backend] });
    bf.batches = svc;
  });
  afterAll(() => bf.shutdown());

  const upload = (expiresAfterSeconds: number | null = null) =>
    svc.uploadFile(caller, { filename: "in.jsonl", purpose: "batch", provider: "openai", body: jsonlBytes([line]), expiresAfterSeconds });

  test("the retention sweep keeps an expired input file while its batch has not ended", async () => {
    backend.next = { status: "in_progress", counts: { total: 1, completed: 0, failed: 0 } };
    const file = await upload(3600);
    const batch = await svc.createBatch(caller, { provider: "openai", endpoint: "/v1/chat/completions", inputFileId: file.id });
    expect(batch.status).toBe("in_progress");
    await svc.sweep(Date.now() + 2 * 3600_000);
    expect(await svc.files.get(file.id)).not.toBeNull();
    // Once the batch ended, the next sweep takes it.
    backend.next = { status: "completed", counts: { total: 1, completed: 1, failed: 0 } };
    await svc.tick();
    expect((await svc.batches.get(batch.id))!.status).toBe("completed");
    await svc.sweep(Date.now() + 2 * 3600_000);
    expect(await svc.files.get(file.id)).toBeNull();
  });

  test("a refresh from a stale record does not reopen a native batch that already ended, nor write its files again", async () => {
    backend.next = { status: "in_progress", counts: { total: 1, completed: 0, failed: 0 } };
    const file = await upload();
    const stale = await svc.createBatch(caller, { provider: "openai", endpoint: "/v1/chat/completions", inputFileId: file.id });
    expect(stale.status).toBe("in_progress");
    backend.next = { status: "completed", counts: { total: 1, completed: 1, failed: 0 } };
    await svc.tick();
    const done = (await svc.batches.get(stale.id))!;
    expect(done.status).toBe("completed");
    // A background round listed the batch before it ended, and refreshes it now.
    const again = await (svc as unknown as { native: { refresh(b: BatchRecord): Promise<BatchRecord> } }).native.refresh(stale);
    expect(again.status).toBe("completed");
    const after = (await svc.batches.get(stale.id))!;
    expect(after.status).toBe("completed");
    expect(after.outputFileId).toBe(done.outputFileId);
    expect(after.completedAt).toBe(done.completedAt);
  });

  test("a cancel while the batch is being sent to the provider is not lost: it is sent upstream once the batch exists there", async () => {
    backend.next = { status: "in_progress", counts: { total: 1, completed: 0, failed: 0 } };
    let release!: () => void;
    backend.gate = new Promise<void>((r) => (release = r));
    const submitted = new Promise<void>((r) => (backend.submitting = r));
    const file = await upload();
    const creating = svc.createBatch(caller, { provider: "openai", endpoint: "/v1/chat/completions", inputFileId: file.id });
    await submitted;
    const [listed] = await svc.listBatches(caller, { limit: 1 });
    expect(listed!.status).toBe("validating");
    expect((await svc.cancelBatch(caller, listed!.id)).status).toBe("cancelling");
    release();
    const created = await creating;
    backend.gate = null;
    backend.submitting = null;
    expect(created.status).toBe("cancelling");
    expect(backend.cancels).toEqual(["up-1"]);
    expect((await svc.batches.get(listed!.id))!.status).toBe("cancelling");
  });
});

/** The gateway's records as OpenAI's wire objects (what /v1/files and /v1/batches answer). */
import type { BatchRecord, FileMeta, OpenAIBatchObject, OpenAIFileObject } from "./types";

const sec = (ms: number | null): number | null => (ms === null ? null : Math.floor(ms / 1000));

export function fileObject(f: FileMeta): OpenAIFileObject {
  return { id: f.id, object: "file", bytes: f.bytes, created_at: sec(f.createdAt)!, filename: f.filename, purpose: f.purpose, status: "processed", expires_at: sec(f.expiresAt), status_details: null };
}

export function batchObject(b: BatchRecord): OpenAIBatchObject {
  return {
    id: b.id,
    object: "batch",
    endpoint: b.endpoint,
    errors: b.errors?.length ? { object: "list", data: b.errors } : null,
    input_file_id: b.inputFileId,
    completion_window: b.completionWindow,
    status: b.status,
    output_file_id: b.outputFileId,
    error_file_id: b.errorFileId,
    created_at: sec(b.createdAt)!,
    in_progress_at: sec(b.inProgressAt),
    expires_at: sec(b.expiresAt),
    finalizing_at: sec(b.finalizingAt),
    completed_at: sec(b.completedAt),
    failed_at: sec(b.failedAt),
    expired_at: sec(b.expiredAt),
    cancelling_at: sec(b.cancellingAt),
    cancelled_at: sec(b.cancelledAt),
    request_counts: b.counts,
    metadata: b.metadata,
    provider: b.provider,
    ...(b.cost !== null ? { cost: b.cost } : {}),
  };
}

/** OpenAI's list envelope. `more`: whether another page follows. */
export function listObject<T extends { id: string }>(data: T[], more: boolean) {
  return { object: "list" as const, data, has_more: more, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null };
}

/** A BatchRecord for tests of backends, surfaces and stores: a fresh native batch, anything overridden. */
import type { BatchRecord } from "../../../src/batches/types";

export function batchRecord(over: Partial<BatchRecord> = {}): BatchRecord {
  return {
    id: `batch_test${crypto.randomUUID().slice(0, 8)}`,
    owner: null,
    provider: "openai",
    endpoint: "/v1/chat/completions",
    inputFileId: "file-input",
    completionWindow: "24h",
    metadata: null,
    status: "validating",
    mode: "native",
    upstreamId: null,
    upstreamState: null,
    counts: { total: 0, completed: 0, failed: 0 },
    outputFileId: null,
    errorFileId: null,
    errors: null,
    cost: null,
    createdAt: Date.now(),
    inProgressAt: null,
    finalizingAt: null,
    completedAt: null,
    failedAt: null,
    expiredAt: null,
    cancellingAt: null,
    cancelledAt: null,
    expiresAt: null,
    ...over,
  };
}

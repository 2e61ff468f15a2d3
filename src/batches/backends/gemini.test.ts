import { describe, expect, test } from "bun:test";
import { jsonlValues } from "../jsonl";
import { grpcName, operationCounts, stateToStatus } from "./gemini";

async function* pieces(...parts: (string | Uint8Array)[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield typeof p === "string" ? new TextEncoder().encode(p) : p;
}

async function all(it: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("gemini batch helpers", () => {
  test("JSON lines across chunk boundaries, a multi-byte character split, blank lines, no final newline", async () => {
    const euro = new TextEncoder().encode('{"k":"€"}\n');
    const split = [euro.subarray(0, 7), euro.subarray(7)];
    expect(await all(jsonlValues(pieces('{"a":1}\n{"b"', ":2}\n\n", split[0]!, split[1]!, "not json\n", '{"c":3}')))).toEqual([{ a: 1 }, { b: 2 }, { k: "€" }, null, { c: 3 }]);
  });

  test("Gemini states (both spellings) → OpenAI statuses", () => {
    expect(["BATCH_STATE_PENDING", "BATCH_STATE_RUNNING", "BATCH_STATE_SUCCEEDED", "BATCH_STATE_FAILED", "BATCH_STATE_CANCELLED", "BATCH_STATE_EXPIRED", "JOB_STATE_SUCCEEDED", "BATCH_STATE_UNSPECIFIED"].map(stateToStatus)).toEqual([
      "in_progress", "in_progress", "completed", "failed", "cancelled", "expired", "completed", "in_progress",
    ]);
  });

  test("batchStats (int64 as strings, zeros omitted) → counts", () => {
    expect(operationCounts({ metadata: { batchStats: { requestCount: "5", successfulRequestCount: "3", failedRequestCount: "1" } } }, 9)).toEqual({ total: 5, completed: 3, failed: 1 });
    expect(operationCounts({ metadata: {} }, 4)).toEqual({ total: 4, completed: 0, failed: 0 });
  });

  test("google.rpc codes by number, HTTP status or name", () => {
    expect([grpcName(3), grpcName(8), grpcName(404), grpcName(503), grpcName("NOT_FOUND"), grpcName(undefined)]).toEqual(["INVALID_ARGUMENT", "RESOURCE_EXHAUSTED", "NOT_FOUND", "UNAVAILABLE", "NOT_FOUND", "UNKNOWN"]);
  });
});

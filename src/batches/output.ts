/**
 * A batch's results as OpenAI output files: the recorded lines' successes in the output file, failures in
 * the error file (none: no file), owned like the batch and kept for the retention. Also the output line
 * shapes the runner and the native finaliser write.
 */
import type { BifrostError } from "../schemas/error";
import { newFileId } from "./ids";
import { jsonlBytes } from "./jsonl";
import type { BatchOutputLine, BatchRecord, BatchStore, FileStore } from "./types";

/** A success, with the answer's JSON text spliced in as it is (no re-serialisation). */
export function successLine(id: string, customId: string, status: number, bodyJson: string): string {
  return `{"id":${JSON.stringify(id)},"custom_id":${JSON.stringify(customId)},"response":{"status_code":${status},"request_id":${JSON.stringify(id)},"body":${bodyJson}},"error":null}`;
}

/** A failure: the error's status and the gateway's error body as the response, and its code and message as `error`. */
export function failureLine(id: string, customId: string, e: BifrostError): string {
  const line: BatchOutputLine = {
    id,
    custom_id: customId,
    response: { status_code: e.status, request_id: id, body: e.toJSON() },
    error: { code: e.code ?? e.type, message: e.message },
  };
  return JSON.stringify(line);
}

/** A line that never ran (the batch expired or was cancelled first). */
export function unrunLine(id: string, customId: string, code: string, message: string): string {
  const line: BatchOutputLine = { id, custom_id: customId, response: null, error: { code, message } };
  return JSON.stringify(line);
}

/** Did the provider answer this line successfully? */
export function succeeded(l: BatchOutputLine): boolean {
  return !l.error && !!l.response && l.response.status_code >= 200 && l.response.status_code < 300;
}

export async function writeResultFiles(
  files: FileStore,
  batches: BatchStore,
  batch: BatchRecord,
  counts: { completed: number; failed: number },
  now: number,
  retentionMs: number,
): Promise<{ outputFileId: string | null; errorFileId: string | null }> {
  const write = async (ok: boolean) => {
    const m = await files.put(
      {
        id: newFileId(),
        owner: batch.owner,
        provider: batch.provider,
        filename: `${batch.id}_${ok ? "output" : "error"}.jsonl`,
        purpose: "batch_output",
        createdAt: now,
        expiresAt: now + retentionMs,
        generated: true,
      },
      jsonlBytes(batches.lineOutputs(batch.id, ok)),
      Number.MAX_SAFE_INTEGER,
    );
    return m.id;
  };
  return {
    outputFileId: counts.completed ? await write(true) : null,
    errorFileId: counts.failed ? await write(false) : null,
  };
}

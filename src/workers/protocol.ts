import type { Op } from "../schemas/ops";

/**
 * Messages between the server thread and provider workers. Flat objects of primitives only:
 * Bun's postMessage has a fast path for those (nested objects cost 3–5×). Bodies travel as
 * transferred ArrayBuffers.
 */

/** One provider call, fully resolved by the router: the worker needs nothing else. */
export interface CallHeader {
  id: number;
  op: Op;
  /** Built-in provider type: picks the adapter. */
  type: string;
  provider: string;
  model: string;
  modelRequested: string;
  baseUrl: string;
  apiKey: string;
  /** JSON of the key's provider settings (azure/bedrock/vertex key config; "" when none). */
  keyConfig: string;
  /** JSON object of extra upstream headers ("" when none). */
  extraHeaders: string;
  timeoutMs: number;
  idleTimeoutMs: number;
}

/** Main → worker: a call (its canonical request body transferred), or an abort. */
export interface CallMessage extends CallHeader {
  body: ArrayBuffer;
}
export interface AbortMessage {
  abort: number;
}

export const enum ReplyKind {
  Ok = 0,
  Start = 1,
  Chunks = 2,
  End = 3,
  Error = 4,
  /** Raw bytes (audio): `d` is the content type, `b` the transferred bytes. */
  Bytes = 5,
}

/** Worker → main. `d`: the canonical JSON (Ok), "\n"-joined chunk JSONs (Chunks), error JSON (Error). */
export interface Reply {
  id: number;
  k: ReplyKind;
  d: string;
  b?: ArrayBuffer;
}

/** What an executing call reports, whichever thread it runs on. */
export interface CallSink {
  ok(json: string): void;
  bytes(contentType: string, body: ArrayBuffer): void;
  start(): void;
  chunks(lines: string): void;
  end(): void;
  error(errorJson: string): void;
}

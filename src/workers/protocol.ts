/**
 * Messages between the server thread and provider workers: the only place the call path is
 * serialised. Flat objects of primitives (Bun's postMessage has a fast path for those; nested
 * objects cost 3–5×); request and audio bodies travel as transferred ArrayBuffers.
 */
import type { Op } from "../schemas/ops";

/** Main → worker: one provider call, fully resolved; the canonical request as JSON bytes. */
export interface CallMessage {
  id: number;
  op: Op;
  type: string;
  provider: string;
  model: string;
  modelRequested: string;
  baseUrl: string;
  apiKey: string;
  /** JSON of the key's provider settings ("" when none). */
  keyConfig: string;
  /** JSON object of extra upstream headers ("" when none). */
  extraHeaders: string;
  timeoutMs: number;
  idleTimeoutMs: number;
  /** client.max_upstream_response_mb in bytes (0: the default). */
  maxResponseBytes: number;
  /** JSON of the model's price ("" when unknown). */
  price: string;
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

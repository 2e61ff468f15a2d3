/**
 * The native batch backends (a provider's own batch API behind the OpenAI batch model), by the
 * adapter kinds they serve. Each backend module registers itself here; the service picks one for a
 * built-in provider whose adapter kind a backend lists, and runs every other batch itself (runner.ts).
 */
import type { BatchBackend } from "../types";

const backends: BatchBackend[] = [];

export function registerBackend(b: BatchBackend): void {
  if (!backends.includes(b)) backends.push(b);
}

/** The registered backends, in registration order. */
export function registeredBackends(): readonly BatchBackend[] {
  return backends;
}

/** The backend serving an adapter kind, if any. */
export function backendFor(kind: string, among: readonly BatchBackend[] = backends): BatchBackend | null {
  return among.find((b) => b.kinds.includes(kind)) ?? null;
}

// ── the built-in backends: one import and one registerBackend line each, below ──
import { anthropicBatchBackend } from "./anthropic";
import { geminiBatchBackend } from "./gemini";
import { openaiBatchBackend } from "./openai";

registerBackend(openaiBatchBackend);
registerBackend(anthropicBatchBackend);
registerBackend(geminiBatchBackend);

/** How calls reach the executor: on this thread, or on a pool of Bun Workers. Same contract for both. */
import type { CallHeader, CallSink } from "./protocol";

export interface Transport {
  readonly kind: "in-process" | "workers";
  /** Start a call; the body is transferred (unusable by the caller afterwards). */
  dispatch(h: CallHeader, body: ArrayBuffer, sink: CallSink): void;
  /** The caller left: abort the upstream request and free the slot. */
  abort(id: number): void;
  close(): Promise<void>;
}

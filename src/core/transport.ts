/** How provider calls run: on this thread (the default), or on a pool of Bun Workers (src/workers). */
import type { Answer } from "./answer";
import { callProvider, openStream, type ChunkStream, type ProviderCall } from "./provider-call";

export interface ProviderTransport {
  readonly kind: "in-process" | "workers";
  /**
   * `raw` is the client's own request bytes while no plugin changed the request: a transport that must
   * serialise the request (the worker pool) may send them instead.
   */
  call(call: ProviderCall, req: unknown, signal?: AbortSignal, raw?: ArrayBuffer): Promise<Answer>;
  stream(call: ProviderCall, req: unknown, signal?: AbortSignal, raw?: ArrayBuffer): Promise<ChunkStream>;
  close(): Promise<void>;
}

/** Provider calls on the server thread: objects straight through, nothing serialised. */
export const inProcessTransport: ProviderTransport = {
  kind: "in-process",
  call: callProvider,
  stream: openStream,
  close: async () => {},
};

/**
 * The provider adapter contract. Adapters are pure: they translate canonical ⇄ wire and decode streams.
 * They never fetch; the executor (src/workers/executor.ts) does the I/O.
 */
import type { ChatChunk, ChatRequest, ChatResponse } from "../schemas/chat";
import type { EmbeddingRequest, EmbeddingResponse } from "../schemas/embeddings";
import type { ModelEntry } from "../schemas/models";
import type { BifrostError } from "../schemas/error";

/** Where and as whom one call goes: resolved by the router before the adapter runs. */
export interface ProviderTarget {
  /** Configured provider name, e.g. "openai", "groq" or a custom "my-vllm". */
  provider: string;
  /** The model id as the upstream knows it (no "provider/" prefix). */
  model: string;
  /** Upstream origin, e.g. "https://api.openai.com"; adapters append their paths. */
  baseUrl: string;
  /** The API key's value; "" for keyless providers. */
  apiKey: string;
  extraHeaders: Record<string, string>;
}

export interface WireRequest {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
}

/** Incremental decoder: feed it text as it arrives (any split), get the canonical chunks completed so far. */
export interface StreamDecoder<C> {
  push(text: string): C[];
  /** The upstream closed: return what is left (throws a BifrostError if the stream ended in an error). */
  end(): C[];
  /** True once the upstream signalled the end of the stream ([DONE], message_stop, …). */
  readonly done: boolean;
}

export type ProviderCapability = "chat" | "chatStream" | "embeddings" | "listModels";

export interface ProviderAdapter {
  /** The base type: "openai", "anthropic", … */
  readonly kind: string;
  readonly capabilities: ReadonlySet<ProviderCapability>;
  chatRequest(req: ChatRequest, target: ProviderTarget, stream: boolean): WireRequest;
  chatResponse(body: any, target: ProviderTarget): ChatResponse;
  chatStreamDecoder(target: ProviderTarget): StreamDecoder<ChatChunk>;
  embeddingRequest?(req: EmbeddingRequest, target: ProviderTarget): WireRequest;
  embeddingResponse?(body: any, target: ProviderTarget): EmbeddingResponse;
  listModelsRequest?(target: ProviderTarget): WireRequest;
  listModelsResponse?(body: any, target: ProviderTarget): ModelEntry[];
  /** An upstream non-2xx answer (body as text, maybe not JSON) → the gateway's error, keeping status and message. */
  errorFromResponse(status: number, bodyText: string, target: ProviderTarget): BifrostError;
}

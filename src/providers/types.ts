/**
 * The provider adapter contract. Adapters are pure: they translate canonical ⇄ wire and decode streams.
 * They never fetch; the provider call (src/core/provider-call.ts) does the I/O.
 */
import type { ChatChunk, ChatRequest, ChatResponse } from "../schemas/chat";
import type { EmbeddingRequest, EmbeddingResponse } from "../schemas/embeddings";
import type { ModelEntry } from "../schemas/models";
import type { BifrostError } from "../schemas/error";
import type { RerankRequest, RerankResponse } from "../schemas/rerank";
import type { AudioResponse, SpeechRequest, TranscriptionRequest, TranscriptionResponse } from "../schemas/audio";
import type { Op } from "../schemas/ops";
import type { ImageGenerationRequest, ImageGenerationResponse } from "../schemas/images";
import type { TokenCountResponse } from "../schemas/tokens";

/** One event of a Responses API stream, as the upstream sent it ("response.created", "response.output_item.added", …). */
export interface ResponsesEvent {
  type: string;
  [field: string]: unknown;
}

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
  /** The key's provider-specific settings, env.X resolved: azure_key_config, bedrock_key_config, vertex_key_config. */
  keyConfig?: Record<string, any>;
}

export interface WireRequest {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/**
 * Incremental decoder: feed it what arrives (any split), get the canonical chunks completed so far.
 * Text decoders get UTF-8-decoded text in `push`; binary ones (AWS eventstream) set `binary` and get bytes.
 */
export interface StreamDecoder<C> {
  readonly binary?: false;
  push(text: string): C[];
  /** The upstream closed: return what is left (throws a BifrostError if the stream ended in an error). */
  end(): C[];
  /** True once the upstream signalled the end of the stream ([DONE], message_stop, …). */
  readonly done: boolean;
}

export interface BinaryStreamDecoder<C> {
  readonly binary: true;
  push(bytes: Uint8Array): C[];
  end(): C[];
  readonly done: boolean;
}

export interface ProviderAdapter {
  /** The base type: "openai", "anthropic", … */
  readonly kind: string;
  /** The operations it serves, in the one vocabulary (src/schemas/ops.ts). */
  readonly capabilities: ReadonlySet<Op>;
  chatRequest(req: ChatRequest, target: ProviderTarget, stream: boolean): WireRequest;
  chatResponse(body: any, target: ProviderTarget): ChatResponse;
  chatStreamDecoder(target: ProviderTarget): StreamDecoder<ChatChunk> | BinaryStreamDecoder<ChatChunk>;
  /**
   * Last step before the request leaves: authentication that depends on the final bytes or on a
   * token (AWS SigV4, a Vertex service-account token). The provider call runs it right before fetch.
   */
  authorize?(wire: WireRequest, target: ProviderTarget, now: Date): WireRequest | Promise<WireRequest>;
  /** Native legacy completions (vLLM, Ollama, …): the raw prompt, no chat template. Streams use chatStreamDecoder. */
  textCompletionRequest?(req: Record<string, unknown>, target: ProviderTarget, stream: boolean): WireRequest;
  textCompletionResponse?(body: any, target: ProviderTarget): Record<string, unknown>;
  embeddingRequest?(req: EmbeddingRequest, target: ProviderTarget): WireRequest;
  embeddingResponse?(body: any, target: ProviderTarget): EmbeddingResponse;
  rerankRequest?(req: RerankRequest, target: ProviderTarget): WireRequest;
  /** `req` lets an adapter echo what the upstream leaves out (Cohere v2 returns no documents). */
  rerankResponse?(body: any, target: ProviderTarget, req?: RerankRequest): RerankResponse;
  /** Text to speech: the answer is audio bytes (the provider call passes them through with their content-type). */
  speechRequest?(req: SpeechRequest, target: ProviderTarget): WireRequest;
  speechResponse?(bytes: Uint8Array, contentType: string, target: ProviderTarget): AudioResponse;
  transcriptionRequest?(req: TranscriptionRequest, target: ProviderTarget): WireRequest;
  transcriptionResponse?(body: any, target: ProviderTarget): TranscriptionResponse;
  imageGenerationRequest?(req: ImageGenerationRequest, target: ProviderTarget): WireRequest;
  imageGenerationResponse?(body: any, target: ProviderTarget): ImageGenerationResponse;
  /** The upstream's own token count for a chat request (capability "countTokens"); without it the gateway estimates. */
  countTokensRequest?(req: ChatRequest, target: ProviderTarget): WireRequest;
  countTokensResponse?(body: any, target: ProviderTarget): TokenCountResponse;
  /**
   * OpenAI's Responses API served natively (capabilities "responses"/"responsesStream"): the client's Responses request
   * goes out as it is (model rewritten, gateway fields dropped), its built-in tools run upstream, and the Response
   * object / event stream comes back as the upstream sent it.
   */
  responsesRequest?(req: Record<string, unknown>, target: ProviderTarget, stream: boolean): WireRequest;
  responsesResponse?(body: any, target: ProviderTarget): Record<string, unknown>;
  /** Decodes the upstream's Responses SSE into its events ({type, …}), unchanged. */
  responsesStreamDecoder?(target: ProviderTarget): StreamDecoder<ResponsesEvent>;
  listModelsRequest?(target: ProviderTarget): WireRequest;
  listModelsResponse?(body: any, target: ProviderTarget): ModelEntry[];
  /** An upstream non-2xx answer (body as text, maybe not JSON) → the gateway's error, keeping status and message. */
  errorFromResponse(status: number, bodyText: string, target: ProviderTarget): BifrostError;
}

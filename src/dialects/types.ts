/**
 * An ingress dialect: how a client that speaks a vendor's own API (Anthropic Messages, Google GenAI,
 * Bedrock Converse, Cohere v2, OpenAI Responses) talks to the gateway. Pure translations only:
 * client request → canonical chat request, canonical response/chunks → the client's shapes.
 * The HTTP layer (src/http/integrations) does the I/O.
 */
import type { ChatChunk, ChatRequest, ChatResponse } from "../schemas/chat";
import type { BifrostError } from "../schemas/error";

export interface IngressParams {
  /** Model from the path, for dialects that carry it there (GenAI, Bedrock). */
  model?: string;
  /** Stream chosen by the path (GenAI streamGenerateContent, Bedrock converse-stream). */
  stream?: boolean;
}

/** A frame of the client's stream: text (SSE, JSON lines) or bytes (AWS eventstream). */
export type Frame = string | Uint8Array;

export interface StreamEncoder<C = ChatChunk> {
  readonly contentType: string;
  /** Frames for one canonical chunk (may be none, or several). */
  chunk(c: C): Frame[];
  /** Frames that close a successful stream. */
  end(): Frame[];
  /** The client dialect's in-stream error, after which the stream ends. */
  error(e: BifrostError): Frame[];
}

export interface IngressDialect {
  name: string;
  /** Throws a BifrostError (400, naming the field) on input the dialect rejects. */
  toChatRequest(body: any, params: IngressParams): ChatRequest;
  fromChatResponse(res: ChatResponse, params: IngressParams): unknown;
  streamEncoder(params: IngressParams): StreamEncoder;
  /** The error as this dialect's clients (their SDKs) expect it; `headers` when the SDKs read one (AWS's x-amzn-errortype). */
  errorBody(e: BifrostError): { status: number; body: unknown; headers?: Record<string, string> };
}

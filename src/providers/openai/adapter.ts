/**
 * The OpenAI adapter, parameterised so every OpenAI-compatible provider is a data entry (see compatible.ts).
 * Canonical is OpenAI's shape, so translation is mostly the model name and the stream's usage option.
 */
import type { ChatChunk, ChatRequest, ChatResponse } from "../../schemas/chat";
import type { EmbeddingRequest, EmbeddingResponse } from "../../schemas/embeddings";
import type { ModelEntry } from "../../schemas/models";
import { BifrostError } from "../../schemas/error";
import { SseParser } from "../sse";
import { malformedStream } from "../stream-events";
import type { Op } from "../../schemas/ops";
import type { ProviderAdapter, ProviderTarget, ResponsesEvent, StreamDecoder, WireRequest } from "../types";
import { openAIError } from "./errors";
import { multipart } from "../multipart";

export interface OpenAIDialect {
  kind: string;
  chatPath?: string;
  embeddingsPath?: string | null;
  modelsPath?: string | null;
  /** Most take a bearer token; a few want their own header. */
  authHeader?: (key: string) => Record<string, string>;
  /** Some servers reject stream_options. */
  streamUsageOption?: boolean;
  /** Parameters this server knows under another name (Mistral: seed → random_seed). */
  rename?: Record<string, string>;
  /** Parameters this server rejects; dropped from the body. */
  drop?: string[];
  /** Keeps Anthropic-style cache_control marks on content parts and tools (OpenRouter passes them on). */
  cacheControl?: boolean;
  /** Rewrites tool-call ids this server would reject (Mistral wants exactly 9 letters or digits). */
  toolCallId?: (id: string) => string;
  /** Serves /v1/completions natively (self-hosted servers, base models): the raw prompt, no chat template. */
  completions?: boolean;
  /** OpenAI's own extras: /v1/audio/speech, /v1/audio/transcriptions, /v1/images/generations. */
  speech?: boolean;
  transcription?: boolean;
  images?: boolean;
  /** Serves OpenAI's Responses API at /v1/responses, built-in tools (web_search, file_search, code_interpreter, …) included. */
  responses?: boolean;
}

/** Fields only the gateway reads; never sent upstream. */
const GATEWAY_FIELDS = ["fallbacks"] as const;

const bearer = (key: string): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {});

function headers(target: ProviderTarget, auth: (k: string) => Record<string, string>): Record<string, string> {
  return { "content-type": "application/json", ...auth(target.apiKey), ...target.extraHeaders };
}

export function toOpenAIBody(req: Record<string, unknown>, model: string): Record<string, unknown> {
  const body: Record<string, unknown> = { ...req, model };
  for (const f of GATEWAY_FIELDS) delete body[f];
  return body;
}

/** History from another provider carries its tool-call ids; both sides of each pair are rewritten alike. */
function rewriteToolCallIds(body: Record<string, unknown>, rewrite: (id: string) => string): void {
  const messages = body.messages as Array<Record<string, any>> | undefined;
  if (!Array.isArray(messages)) return;
  body.messages = messages.map((m) => {
    if (Array.isArray(m.tool_calls)) return { ...m, tool_calls: m.tool_calls.map((c: any) => ({ ...c, id: rewrite(String(c.id)) })) };
    if (typeof m.tool_call_id === "string") return { ...m, tool_call_id: rewrite(m.tool_call_id) };
    return m;
  });
}

/** Anthropic's prompt-caching marks (from its dialect) are unknown fields to OpenAI-style servers. */
function withoutCacheControl(body: Record<string, unknown>): void {
  const messages = body.messages as Array<{ content?: unknown }> | undefined;
  const marked = (m: { content?: unknown }) => Array.isArray(m.content) && m.content.some((p: any) => p?.cache_control);
  // The common request carries no marks: it is left as it is, with no copy on the hot path.
  if (Array.isArray(messages) && messages.some(marked)) {
    body.messages = messages.map((m) => (marked(m) ? { ...m, content: (m.content as any[]).map(({ cache_control: _, ...p }) => p) } : m));
  }
  const tools = body.tools as Array<Record<string, unknown>> | undefined;
  if (Array.isArray(tools) && tools.some((t) => t.cache_control)) body.tools = tools.map(({ cache_control: _, ...t }) => t);
}

/**
 * An assistant turn given back with an Anthropic answer's citations and server-tool blocks (web search, code execution):
 * OpenAI-style servers cannot replay another provider's tool runs, so they get the turn's text only (both fields dropped).
 */
function textOnlyHistory(body: Record<string, unknown>): void {
  const messages = body.messages as Array<Record<string, unknown>> | undefined;
  const extended = (m: Record<string, unknown>) => "annotations" in m || "server_tool_blocks" in m;
  if (Array.isArray(messages) && messages.some(extended)) {
    body.messages = messages.map((m) => {
      if (!extended(m)) return m;
      const { annotations: _a, server_tool_blocks: _s, ...rest } = m;
      return rest;
    });
  }
}

/**
 * OpenAI-style SSE of JSON events: `pick` says what one event yields (null: nothing) and whether it is the last;
 * [DONE] or a clean close ends the stream too (many compatible servers, Ollama and some vLLM builds, send no [DONE]).
 */
function createSseJsonDecoder<C>(target: ProviderTarget, pick: (json: any, data: string) => { item: C | null; last?: boolean }): StreamDecoder<C> {
  const sse = new SseParser();
  let done = false;
  const take = (events: ReturnType<SseParser["push"]>): C[] => {
    const out: C[] = [];
    for (const ev of events) {
      if (done) break;
      if (ev.data === "[DONE]") {
        done = true;
        break;
      }
      let json: any;
      try {
        json = JSON.parse(ev.data);
      } catch {
        throw malformedStream(target);
      }
      const { item, last } = pick(json, ev.data);
      if (item !== null) out.push(item);
      if (last) done = true;
    }
    return out;
  };
  return {
    push: (text) => take(sse.push(text)),
    end: () => {
      const rest = take(sse.end());
      done = true;
      return rest;
    },
    get done() {
      return done;
    },
  };
}

export function createOpenAIStreamDecoder(target: ProviderTarget): StreamDecoder<ChatChunk> {
  return createSseJsonDecoder(target, (json, data) => {
    if (json && json.error) throw openAIError(502, data, target);
    return { item: json && Array.isArray(json.choices) ? (json as ChatChunk) : null };
  });
}

/** A Responses API request as the upstream takes it: its model, no gateway fields, `stream` as asked. */
export function responsesWireBody(req: Record<string, unknown>, model: string, stream: boolean): string {
  const body = toOpenAIBody(req, model);
  if (stream) body.stream = true;
  else delete body.stream;
  return JSON.stringify(body);
}

export function checkResponseObject(body: any): Record<string, unknown> {
  if (!body || typeof body !== "object" || !Array.isArray(body.output)) {
    throw new BifrostError({ status: 502, type: "upstream_error", message: "upstream answered without a Response object (no output)" });
  }
  return body;
}

/** The Responses API's SSE: each event's JSON, unchanged; the stream is over after its terminal event (or [DONE]). */
export function createResponsesStreamDecoder(target: ProviderTarget): StreamDecoder<ResponsesEvent> {
  return createSseJsonDecoder(target, (json, data) => {
    if (json && typeof json.type !== "string" && json.error) throw openAIError(502, data, target);
    if (!json || typeof json.type !== "string") return { item: null };
    return { item: json as ResponsesEvent, last: RESPONSES_TERMINAL.has(json.type) };
  });
}

const RESPONSES_TERMINAL = new Set(["response.completed", "response.failed", "response.incomplete", "error"]);

export function createOpenAIAdapter(d: OpenAIDialect): ProviderAdapter {
  const auth = d.authHeader ?? bearer;
  const chatPath = d.chatPath ?? "/v1/chat/completions";
  const embeddingsPath = d.embeddingsPath === undefined ? "/v1/embeddings" : d.embeddingsPath;
  const modelsPath = d.modelsPath === undefined ? "/v1/models" : d.modelsPath;
  const caps = new Set<Op>(["chat", "chatStream"]);
  if (embeddingsPath) caps.add("embeddings");
  if (modelsPath) caps.add("listModels");

  const adapter: ProviderAdapter = {
    kind: d.kind,
    capabilities: caps,
    chatRequest(req: ChatRequest, target, stream): WireRequest {
      const body = toOpenAIBody(req, target.model);
      if (d.rename) for (const [from, to] of Object.entries(d.rename)) if (from in body) (body[to] ??= body[from]), delete body[from];
      if (!d.cacheControl) withoutCacheControl(body);
      textOnlyHistory(body);
      if (d.toolCallId) rewriteToolCallIds(body, d.toolCallId);
      if (d.drop) for (const f of d.drop) delete body[f];
      if (stream) {
        body.stream = true;
        if (d.streamUsageOption !== false) {
          body.stream_options = { ...(req.stream_options ?? {}), include_usage: true };
        }
      } else delete body.stream;
      return { url: target.baseUrl + chatPath, method: "POST", headers: headers(target, auth), body: JSON.stringify(body) };
    },
    chatResponse(body: any): ChatResponse {
      if (!body || !Array.isArray(body.choices)) {
        throw new BifrostError({ status: 502, type: "upstream_error", message: "upstream answered without choices" });
      }
      return body as ChatResponse;
    },
    chatStreamDecoder: createOpenAIStreamDecoder,
    errorFromResponse: openAIError,
  };
  if (embeddingsPath) {
    adapter.embeddingRequest = (req: EmbeddingRequest, target) => ({
      url: target.baseUrl + embeddingsPath,
      method: "POST",
      headers: headers(target, auth),
      body: JSON.stringify(toOpenAIBody(req, target.model)),
    });
    adapter.embeddingResponse = (body: any): EmbeddingResponse => {
      if (!body || !Array.isArray(body.data)) {
        throw new BifrostError({ status: 502, type: "upstream_error", message: "upstream answered without data" });
      }
      return body as EmbeddingResponse;
    };
  }
  if (d.completions) {
    caps.add("textCompletion");
    caps.add("textCompletionStream");
    adapter.textCompletionRequest = (req, target, stream) => {
      const body = toOpenAIBody(req, target.model);
      if (stream) {
        body.stream = true;
        if (d.streamUsageOption !== false) body.stream_options = { ...((req.stream_options as object) ?? {}), include_usage: true };
      } else delete body.stream;
      return { url: `${target.baseUrl}/v1/completions`, method: "POST", headers: headers(target, auth), body: JSON.stringify(body) };
    };
    adapter.textCompletionResponse = (body: any) => {
      if (!body || !Array.isArray(body.choices)) throw new BifrostError({ status: 502, type: "upstream_error", message: "upstream answered without choices" });
      return body;
    };
  }
  if (d.speech) {
    caps.add("speech");
    adapter.speechRequest = (req, target) => ({
      url: `${target.baseUrl}/v1/audio/speech`,
      method: "POST",
      headers: headers(target, auth),
      body: JSON.stringify(toOpenAIBody(req, target.model)),
    });
    adapter.speechResponse = (bytes, contentType) => ({ body: bytes, contentType });
  }
  if (d.transcription) {
    caps.add("transcription");
    adapter.transcriptionRequest = (req, target) => {
      const parts = [{ name: "file", value: Buffer.from(req.file.base64, "base64"), filename: req.file.name, contentType: req.file.type }];
      for (const [k, v] of Object.entries(req)) {
        if (k === "file" || k === "fallbacks" || v === undefined || v === null) continue;
        parts.push({ name: k, value: k === "model" ? target.model : typeof v === "string" ? v : JSON.stringify(v) } as any);
      }
      const { body, contentType } = multipart(parts);
      const h = headers(target, auth);
      h["content-type"] = contentType;
      return { url: `${target.baseUrl}/v1/audio/transcriptions`, method: "POST", headers: h, body };
    };
    adapter.transcriptionResponse = (body: any) => (typeof body === "string" ? { text: body } : body);
  }
  if (d.images) {
    caps.add("imageGeneration");
    adapter.imageGenerationRequest = (req, target) => ({
      url: `${target.baseUrl}/v1/images/generations`,
      method: "POST",
      headers: headers(target, auth),
      body: JSON.stringify(toOpenAIBody(req, target.model)),
    });
    adapter.imageGenerationResponse = (body: any) => {
      if (!body || !Array.isArray(body.data)) throw new BifrostError({ status: 502, type: "upstream_error", message: "upstream answered without data" });
      return body;
    };
  }
  if (d.responses) {
    caps.add("responses");
    caps.add("responsesStream");
    adapter.responsesRequest = (req, target, stream) => ({ url: `${target.baseUrl}/v1/responses`, method: "POST", headers: headers(target, auth), body: responsesWireBody(req, target.model, stream) });
    adapter.responsesResponse = checkResponseObject;
    adapter.responsesStreamDecoder = createResponsesStreamDecoder;
  }
  if (modelsPath) {
    adapter.listModelsRequest = (target) => ({ url: target.baseUrl + modelsPath, method: "GET", headers: headers(target, auth) });
    adapter.listModelsResponse = (body: any, target): ModelEntry[] =>
      (Array.isArray(body?.data) ? body.data : Array.isArray(body) ? body : [])
        .filter((m: any) => m && typeof m.id === "string")
        .map((m: any) => ({
          id: `${target.provider}/${m.id}`,
          object: "model" as const,
          created: typeof m.created === "number" ? m.created : 0,
          owned_by: typeof m.owned_by === "string" ? m.owned_by : target.provider,
        }));
  }
  return adapter;
}

/**
 * Mock LLM upstream speaking the OpenAI and Anthropic wire formats (JSON and SSE), with latency and
 * fault injection. Used by integration tests (the gateway under test points its base_url here) and by
 * the load benchmark, so the fault-free path does no logging, no timers and answers from one string.
 *
 * Run standalone: `bun tests/support/mock-upstream.ts --port 9100 [--no-record] [--words 5]`.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  search: string;
  headers: Record<string, string>;
  /** Parsed JSON, or the raw text when it is not JSON, or null when empty. */
  body: any;
  at: number;
  /** Set when the client went away before the response finished (upstream cancellation). */
  aborted?: boolean;
}

export interface Fault {
  /** Answer with this status and a provider-shaped error body (or `rawBody` when given). */
  status?: number;
  /** Error message to put in the body (or in the in-stream error event). */
  message?: string;
  /** Extra response headers, e.g. {"retry-after": "1"}. */
  headers?: Record<string, string>;
  /** Wait before sending headers. */
  delayMs?: number;
  /** Hold the answer until this settles: the test, not a clock, decides when a slow upstream answers. */
  until?: Promise<unknown>;
  /** Wait between stream chunks. */
  chunkDelayMs?: number;
  /** Cut the connection after N chunks (SSE frames; a JSON body counts as two halves). */
  resetAfterChunks?: number;
  /** Stop sending after N chunks and keep the connection open until the client leaves. */
  stallAfterChunks?: number;
  /** Pause after N chunks until `resumeWhen` settles, then send the rest (a stream seen mid-way, then finished). */
  pauseAfterChunks?: number;
  resumeWhen?: Promise<unknown>;
  /** Stream: send the provider's in-stream error event after N chunks, then end. */
  errorEventAfterChunks?: number;
  /** Answer with this exact body (status 200 unless `status` is set). */
  rawBody?: string;
  /** How many requests it applies to (default 1); Infinity = all. */
  times?: number;
  /** Only requests matching: exact path and/or body.model. */
  match?: { path?: string; model?: string };
}

export interface MockUpstream {
  url: string;
  port: number;
  /** Every request received, in order (empty when started with record: false). */
  requests: RecordedRequest[];
  fault(f: Fault): void;
  clearFaults(): void;
  /** Clears requests, faults and the id counter. */
  reset(): void;
  stop(): Promise<void>;
}

export interface MockUpstreamOptions {
  port?: number;
  record?: boolean;
  words?: number;
  /** Pace every stream: wait this long between frames (the load benchmark holds many slow streams). */
  streamChunkDelayMs?: number;
  /** The provider dialects served besides OpenAI and Anthropic (default: all in tests/support/mock/). */
  dialects?: MockDialect[];
}

import { MOCK_DIALECTS } from "./mock";
import { cachedTokens, lastUserText, splitInto, sseEvent, textOf, type MockDialect, type MockReply } from "./mock/types";
import { responsesReply } from "./mock/responses";

type Flavor = "openai" | "anthropic";

/** What a route decided to answer, before faults shape how it is delivered. */
type Reply = MockReply;
type Frame = string | Uint8Array;

/** Per-request state the slow (delayed / chunked) paths need. */
interface Exchange {
  req: Request;
  rec: RecordedRequest | null;
  /** Aborts when the client leaves or the mock stops. */
  signal: AbortSignal;
}

interface Ctx {
  words: number;
  nextId(): number;
}

const JSON_HEADERS = { "content-type": "application/json" };
const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };
const SSE_DONE = "data: [DONE]\n\n";
const FILLER = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"];
const encoder = new TextEncoder();
/** Grace before a reset so already-sent frames are flushed and read (1ms lost them ~1% of the time). */
const RESET_FLUSH_MS = 20;

// ---------------------------------------------------------------- text helpers

function splitWords(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

function countWords(text: string): number {
  return splitWords(text).length;
}



/** Prompt size in words across all message texts (and the Anthropic system prompt), min 1. */
function promptWords(messages: any[], system?: unknown): number {
  let n = countWords(textOf(system));
  for (const m of messages) n += countWords(textOf(m?.content, true));
  return Math.max(1, n);
}

/** Deterministic reply: "mock reply to: <text>" cut or padded to exactly n words. */
function replyWords(userText: string, n: number): string[] {
  const out = ["mock", "reply", "to:", ...splitWords(userText)].slice(0, n);
  for (let i = 0; out.length < n; i++) out.push(FILLER[i % FILLER.length]!);
  return out;
}

/** Reply length honouring the request's token cap; `truncated` drives finish_reason "length". */
function replyLength(words: number, maxTokens: unknown): { n: number; truncated: boolean } {
  const cap = typeof maxTokens === "number" && maxTokens >= 1 ? Math.floor(maxTokens) : Infinity;
  return cap < words ? { n: cap, truncated: true } : { n: words, truncated: false };
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function sseData(obj: unknown): string {
  return `data: ${JSON.stringify(obj)}\n\n`;
}

// ---------------------------------------------------------------- errors

function openAIErrorKind(status: number): { type: string; code: string | null } {
  if (status === 401) return { type: "invalid_request_error", code: "invalid_api_key" };
  if (status === 403) return { type: "permission_error", code: null };
  if (status === 404) return { type: "invalid_request_error", code: "not_found" };
  if (status === 429) return { type: "requests", code: "rate_limit_exceeded" };
  if (status >= 500) return { type: "server_error", code: null };
  return { type: "invalid_request_error", code: null };
}

function anthropicErrorType(status: number): string {
  const types: Record<number, string> = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    529: "overloaded_error",
  };
  return types[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}

function errorBody(flavor: Flavor, status: number, message: string): unknown {
  if (flavor === "anthropic") return { type: "error", error: { type: anthropicErrorType(status), message } };
  const { type, code } = openAIErrorKind(status);
  return { error: { message, type, param: null, code } };
}

function errorReply(flavor: Flavor, status: number, message: string): Reply {
  return { kind: "json", status, body: errorBody(flavor, status, message) };
}

/** The provider's in-stream error frame (OpenAI: a data frame with `error`; Anthropic: `event: error`). */
function streamErrorFrame(flavor: Flavor, message?: string): string {
  if (flavor === "anthropic") {
    return sseEvent("error", { type: "error", error: { type: "overloaded_error", message: message ?? "Overloaded" } });
  }
  return sseData(errorBody("openai", 500, message ?? "The server had an error while processing your request."));
}

function defaultFaultMessage(status: number): string {
  return status === 429 ? "Rate limit exceeded (mock fault)" : `mock upstream fault: HTTP ${status}`;
}

// ---------------------------------------------------------------- auth

function bearerKey(req: Request): string {
  const m = /^Bearer\s+(.*)$/i.exec(req.headers.get("authorization") ?? "");
  return m ? m[1]!.trim() : "";
}

function checkOpenAIAuth(req: Request): Reply | null {
  const key = bearerKey(req);
  if (!key) return errorReply("openai", 401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
  if (key === "bad-key") return errorReply("openai", 401, "Incorrect API key provided: bad-key.");
  return null;
}

function checkAnthropicAuth(req: Request): Reply | null {
  // The installed @anthropic-ai/sdk sends its key as a Bearer token, so that is accepted too.
  const key = req.headers.get("x-api-key")?.trim() || bearerKey(req);
  if (!key) return errorReply("anthropic", 401, "x-api-key header is required");
  if (key === "bad-key") return errorReply("anthropic", 401, "invalid x-api-key");
  // Real Anthropic answers 400 (not 401) when the version header is missing.
  if (!req.headers.get("anthropic-version")) return errorReply("anthropic", 400, "anthropic-version: header is required");
  return null;
}

// ---------------------------------------------------------------- tools

/** OpenAI rule: forced by tool_choice, or "tool" in the user's text unless we are answering a tool result. */
function openAIToolName(body: any, userText: string): string | null {
  const tools = Array.isArray(body.tools) ? body.tools : [];
  if (!tools.length || body.tool_choice === "none") return null;
  const choice = body.tool_choice;
  const forced = choice === "required" || isObject(choice);
  const lastRole = body.messages[body.messages.length - 1]?.role;
  if (!forced && (lastRole === "tool" || !mentionsTool(userText))) return null;
  return (isObject(choice) && choice.function?.name) || tools[0]?.function?.name || "tool";
}

/** Anthropic rule: same as OpenAI with tool_choice any/tool forcing and tool_result turns not re-triggering. */
function anthropicToolName(body: any, userText: string): string | null {
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const choice = isObject(body.tool_choice) ? body.tool_choice : { type: "auto" };
  if (!tools.length || choice.type === "none") return null;
  const forced = choice.type === "any" || choice.type === "tool";
  const last = body.messages[body.messages.length - 1];
  const answeringToolResult = Array.isArray(last?.content) && last.content.some((b: any) => b?.type === "tool_result");
  if (!forced && (answeringToolResult || !mentionsTool(userText))) return null;
  return (choice.type === "tool" && choice.name) || tools[0]?.name || "tool";
}

function mentionsTool(text: string): boolean {
  return /\btools?\b/i.test(text);
}

// ---------------------------------------------------------------- OpenAI: chat completions

function chatCompletion(body: any, ctx: Ctx): any {
  const userText = lastUserText(body.messages);
  const toolName = openAIToolName(body, userText);
  const promptTokens = promptWords(body.messages);
  const { n, truncated } = replyLength(ctx.words, body.max_completion_tokens ?? body.max_tokens);
  const content = toolName ? null : replyWords(userText, n).join(" ");
  const args = JSON.stringify({ query: userText });
  const completionTokens = toolName ? Math.max(1, countWords(args)) : n;
  const message: any = { role: "assistant", content, refusal: null };
  if (toolName) message.tool_calls = [{ id: "call_mock_1", type: "function", function: { name: toolName, arguments: args } }];
  return {
    id: `chatcmpl-mock-${ctx.nextId()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    system_fingerprint: "fp_mock",
    choices: [{ index: 0, message, logprobs: null, finish_reason: toolName ? "tool_calls" : truncated ? "length" : "stop" }],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: cachedTokens(userText, promptTokens) },
    },
  };
}

/** The same completion as OpenAI SSE frames: role, one chunk per word (or tool-call pieces), finish, usage, [DONE]. */
/** Mistral's chat API rejects fields it does not know and sends usage on its finish chunk, unasked. */
const MISTRAL_MODEL = /^(mistral-|codestral-|magistral-|pixtral-|ministral-|open-mistral|devstral-)/;
const MISTRAL_REJECTS = ["stream_options", "user", "logit_bias", "logprobs", "seed", "max_completion_tokens"];

function chatFrames(c: any, includeUsage: boolean, usageOnFinish = false): string[] {
  const choice = c.choices[0];
  const chunk = (delta: unknown, finish_reason: string | null = null) =>
    sseData({
      id: c.id,
      object: "chat.completion.chunk",
      created: c.created,
      model: c.model,
      system_fingerprint: c.system_fingerprint,
      choices: [{ index: 0, delta, logprobs: null, finish_reason }],
      ...(includeUsage ? { usage: null } : {}),
    });
  const frames: string[] = [];
  const call = choice.message.tool_calls?.[0];
  if (call) {
    const head = { index: 0, id: call.id, type: "function", function: { name: call.function.name, arguments: "" } };
    frames.push(chunk({ role: "assistant", content: null, tool_calls: [head] }));
    for (const piece of splitInto(call.function.arguments, 3)) frames.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
  } else {
    frames.push(chunk({ role: "assistant", content: "", refusal: null }));
    choice.message.content.split(" ").forEach((w: string, i: number) => frames.push(chunk({ content: i ? ` ${w}` : w })));
  }
  frames.push(usageOnFinish ? sseData({ id: c.id, object: "chat.completion.chunk", created: c.created, model: c.model, choices: [{ index: 0, delta: {}, finish_reason: choice.finish_reason }], usage: c.usage }) : chunk({}, choice.finish_reason));
  if (includeUsage) {
    frames.push(sseData({ id: c.id, object: "chat.completion.chunk", created: c.created, model: c.model, system_fingerprint: c.system_fingerprint, choices: [], usage: c.usage }));
  }
  frames.push(SSE_DONE);
  return frames;
}

function handleChat(req: Request, body: any, ctx: Ctx): Reply {
  const denied = checkOpenAIAuth(req);
  if (denied) return denied;
  if (!isObject(body)) return errorReply("openai", 400, "We could not parse the JSON body of your request.");
  if (typeof body.model !== "string" || !body.model) return errorReply("openai", 400, "you must provide a model parameter");
  if (!Array.isArray(body.messages) || !body.messages.length) return errorReply("openai", 400, "[] is too short - 'messages'");
  const mistral = MISTRAL_MODEL.test(body.model);
  const extra = mistral ? MISTRAL_REJECTS.find((f) => f in body) : undefined;
  if (extra) return { kind: "json", status: 422, body: { object: "error", message: `${extra}: Extra inputs are not permitted`, type: "invalid_request_error", code: null } };
  const completion = chatCompletion(body, ctx);
  if (body.stream !== true) return { kind: "json", status: 200, body: completion };
  const frames = mistral ? chatFrames(completion, false, true) : chatFrames(completion, body.stream_options?.include_usage === true);
  return { kind: "sse", frames, errorFrame: streamErrorFrame("openai") };
}

// ---------------------------------------------------------------- OpenAI: Responses API (built-in tools run here)

function handleResponses(req: Request, body: any, ctx: Ctx): Reply {
  const denied = checkOpenAIAuth(req);
  if (denied) return denied;
  if (!isObject(body)) return errorReply("openai", 400, "We could not parse the JSON body of your request.");
  if (typeof body.model !== "string" || !body.model) return errorReply("openai", 400, "Missing required parameter: 'model'.");
  if (body.input == null) return errorReply("openai", 400, "Missing required parameter: 'input'.");
  return responsesReply(body, ctx, streamErrorFrame("openai"));
}

// ---------------------------------------------------------------- OpenAI: embeddings

/** Deterministic vector from the text: floats are k/1024 so they survive float32 (base64) exactly. */
function embed(text: string, dims: number): number[] {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  const out: number[] = [];
  for (let i = 0; i < dims; i++) {
    h ^= h << 13; h ^= h >>> 17; h ^= h << 5; h >>>= 0;
    out.push(((h % 2048) - 1024) / 1024);
  }
  return out;
}

/**
 * A model named *semantic* embeds by its words (bag of words hashed into `dims` buckets, a plural's
 * "s" dropped): texts sharing most words are close, so a paraphrase can hit a semantic cache.
 */
function embedWords(text: string, dims: number): number[] {
  const out = new Array<number>(dims).fill(0);
  for (const raw of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    const w = raw.length > 3 && raw.endsWith("s") ? raw.slice(0, -1) : raw;
    let h = 2166136261;
    for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 16777619) >>> 0;
    out[h % dims]! += 1;
  }
  return out;
}

function toBase64Floats(v: number[]): string {
  return Buffer.from(new Float32Array(v).buffer).toString("base64");
}

/** `input` as a list: a string, a token array, or an array of either. */
function embeddingInputs(input: unknown): unknown[] | null {
  if (typeof input === "string") return [input];
  if (!Array.isArray(input) || !input.length) return null;
  return typeof input[0] === "number" ? [input] : input;
}

function handleEmbeddings(req: Request, body: any): Reply {
  const denied = checkOpenAIAuth(req);
  if (denied) return denied;
  const inputs = isObject(body) ? embeddingInputs(body.input) : null;
  if (!inputs) return errorReply("openai", 400, "'input' is a required property");
  const dims = Number.isInteger(body.dimensions) && body.dimensions > 0 ? body.dimensions : 8;
  const base64 = body.encoding_format === "base64";
  let tokens = 0;
  const data = inputs.map((input, index) => {
    const text = typeof input === "string" ? input : JSON.stringify(input);
    tokens += typeof input === "string" ? countWords(input) : Array.isArray(input) ? input.length : 1;
    const vector = /semantic/.test(String(body.model)) ? embedWords(text, Math.max(dims, 64)) : embed(text, dims);
    return { object: "embedding", index, embedding: base64 ? toBase64Floats(vector) : vector };
  });
  tokens = Math.max(1, tokens);
  return { kind: "json", status: 200, body: { object: "list", data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } } };
}

// ---------------------------------------------------------------- models

const OPENAI_MODELS = {
  object: "list",
  data: [
    { id: "gpt-4o-mini", object: "model", created: 1721172741, owned_by: "openai" },
    { id: "gpt-4o", object: "model", created: 1715367049, owned_by: "openai" },
    { id: "text-embedding-3-small", object: "model", created: 1705948997, owned_by: "openai" },
  ],
};

const ANTHROPIC_MODELS = {
  data: [
    { type: "model", id: "claude-3-5-haiku-latest", display_name: "Claude Haiku 3.5", created_at: "2024-10-22T00:00:00Z" },
    { type: "model", id: "claude-sonnet-4-5", display_name: "Claude Sonnet 4.5", created_at: "2025-09-29T00:00:00Z" },
  ],
  has_more: false,
  first_id: "claude-3-5-haiku-latest",
  last_id: "claude-sonnet-4-5",
};

function handleModels(req: Request, flavor: Flavor): Reply {
  const denied = flavor === "anthropic" ? checkAnthropicAuth(req) : checkOpenAIAuth(req);
  if (denied) return denied;
  return { kind: "json", status: 200, body: flavor === "anthropic" ? ANTHROPIC_MODELS : OPENAI_MODELS };
}

// ---------------------------------------------------------------- Anthropic: messages

const ANTHROPIC_FIELDS = new Set([
  "model", "messages", "max_tokens", "system", "metadata", "stop_sequences", "stream", "temperature", "top_p", "top_k",
  "tools", "tool_choice", "thinking", "service_tier", "container", "mcp_servers", "context_management",
]);

/** Anthropic's own request validation; returns the error message or null. */
function validateMessagesBody(body: unknown): string | null {
  if (!isObject(body)) return "Request body must be a JSON object";
  for (const key of Object.keys(body)) if (!ANTHROPIC_FIELDS.has(key)) return `${key}: Extra inputs are not permitted`;
  if (typeof body.model !== "string" || !body.model) return "model: Field required";
  if (body.max_tokens === undefined) return "max_tokens: Field required";
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) return "max_tokens: Input should be a valid positive integer";
  if (!Array.isArray(body.messages)) return "messages: Field required";
  if (!body.messages.length) return "messages: at least one message is required";
  return validateRoles(body.messages);
}

function validateRoles(messages: any[]): string | null {
  for (let i = 0; i < messages.length; i++) {
    const role = messages[i]?.role;
    if (role !== "user" && role !== "assistant") return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    if (i === 0 && role !== "user") return 'messages: first message must use the "user" role';
    if (i > 0 && role === messages[i - 1].role) {
      return `messages: roles must alternate between "user" and "assistant", but found multiple "${role}" roles in a row`;
    }
  }
  return null;
}

function anthropicMessage(body: any, ctx: Ctx): any {
  const userText = lastUserText(body.messages);
  const toolName = anthropicToolName(body, userText);
  const { n, truncated } = replyLength(ctx.words, body.max_tokens);
  const content: any[] = [];
  if (body.thinking?.type === "enabled") content.push({ type: "thinking", thinking: "mock thinking", signature: "sig-mock" });
  const input = { query: userText };
  let paused = false;
  if (toolName) content.push({ type: "tool_use", id: "toolu_mock_1", name: toolName, input });
  else if (serverToolAnswer(body, userText, content)) {
    // web search ran: the blocks are in content; "pause" in the prompt stops at the call (pause_turn), the client continues
    paused = content.at(-1)?.type === "server_tool_use";
  } else {
    content.push({ type: "text", text: replyWords(userText, n).join(" ") });
    citeDocument(body.messages, content);
  }
  return {
    id: `msg_mock_${ctx.nextId()}`,
    type: "message",
    role: "assistant",
    model: body.model,
    content,
    stop_reason: toolName ? "tool_use" : paused ? "pause_turn" : truncated ? "max_tokens" : "end_turn",
    stop_sequence: null,
    // Anthropic's input_tokens leave out the tokens read from the cache.
    usage: {
      input_tokens: promptWords(body.messages, body.system) - cachedTokens(userText, promptWords(body.messages, body.system)),
      output_tokens: toolName ? Math.max(1, countWords(JSON.stringify(input))) : n,
      cache_read_input_tokens: cachedTokens(userText, promptWords(body.messages, body.system)),
      cache_creation_input_tokens: 0,
    },
  };
}

/** A web_search server tool in the request: Anthropic runs it, answering with its call, its result and a cited text. */
function serverToolAnswer(body: any, userText: string, content: any[]): boolean {
  if (!(body.tools ?? []).some((t: any) => /^web_search_\d{8}$/.test(t?.type ?? ""))) return false;
  const id = "srvtoolu_mock_1";
  if (/\bpause\b/i.test(userText)) {
    content.push({ type: "server_tool_use", id, name: "web_search", input: { query: userText } });
    return true;
  }
  const result = { type: "web_search_result", url: "https://example.com/mock", title: "Mock result", encrypted_content: "EqMock", page_age: null };
  content.push(
    { type: "server_tool_use", id, name: "web_search", input: { query: userText } },
    { type: "web_search_tool_result", tool_use_id: id, content: [result] },
    { type: "text", text: "The web says yes", citations: [{ type: "web_search_result_location", url: result.url, title: result.title, encrypted_index: "EoMock", cited_text: "yes" }] },
  );
  return true;
}

/** A document with citations enabled in the last user turn: the answer cites it (a page of a PDF, characters of a text). */
function citeDocument(messages: any[], content: any[]): void {
  const last = messages[messages.length - 1];
  const docs = Array.isArray(last?.content) ? last.content.filter((b: any) => b?.type === "document") : [];
  const index = docs.findIndex((d: any) => d.citations?.enabled);
  if (index < 0) return;
  const doc = docs[index];
  const title = doc.title ?? null;
  const citation =
    doc.source?.type === "text"
      ? { type: "char_location", cited_text: doc.source.data, document_index: index, document_title: title, start_char_index: 0, end_char_index: doc.source.data.length }
      : { type: "page_location", cited_text: "mock page", document_index: index, document_title: title, start_page_number: 1, end_page_number: 2 };
  content.push({ type: "text", text: "as the document says", citations: [citation] });
}

/** A content block as announced by content_block_start (empty, filled by deltas; server-tool results whole). */
function emptyBlock(block: any): unknown {
  if (block.type === "thinking") return { type: "thinking", thinking: "", signature: "" };
  if (block.type === "tool_use" || block.type === "server_tool_use") return { type: block.type, id: block.id, name: block.name, input: {} };
  if (block.type === "text") return { type: "text", text: "" };
  return block;
}

function blockDeltas(block: any): unknown[] {
  if (block.type === "text" && block.citations) {
    const cites = block.citations.map((citation: unknown) => ({ type: "citations_delta", citation }));
    return [...cites, ...blockDeltas({ type: "text", text: block.text })];
  }
  if (block.type === "server_tool_use") return [{ type: "input_json_delta", partial_json: JSON.stringify(block.input) }];
  if (block.type !== "text" && block.type !== "thinking" && block.type !== "tool_use") return [];
  if (block.type === "thinking") {
    return [{ type: "thinking_delta", thinking: block.thinking }, { type: "signature_delta", signature: block.signature }];
  }
  if (block.type === "tool_use") {
    return splitInto(JSON.stringify(block.input), 3).map((partial_json) => ({ type: "input_json_delta", partial_json }));
  }
  return block.text.split(" ").map((w: string, i: number) => ({ type: "text_delta", text: i ? ` ${w}` : w }));
}

/** The same message as Anthropic's SSE event sequence. */
function messageFrames(m: any): string[] {
  const start = { ...m, content: [], stop_reason: null, stop_sequence: null, usage: { ...m.usage, output_tokens: 1 } };
  const frames = [sseEvent("message_start", { type: "message_start", message: start })];
  m.content.forEach((block: any, index: number) => {
    frames.push(sseEvent("content_block_start", { type: "content_block_start", index, content_block: emptyBlock(block) }));
    if (index === 0) frames.push(sseEvent("ping", { type: "ping" }));
    for (const delta of blockDeltas(block)) frames.push(sseEvent("content_block_delta", { type: "content_block_delta", index, delta }));
    frames.push(sseEvent("content_block_stop", { type: "content_block_stop", index }));
  });
  const delta = { stop_reason: m.stop_reason, stop_sequence: null };
  frames.push(sseEvent("message_delta", { type: "message_delta", delta, usage: { output_tokens: m.usage.output_tokens } }));
  frames.push(sseEvent("message_stop", { type: "message_stop" }));
  return frames;
}

function handleMessages(req: Request, body: any, ctx: Ctx): Reply {
  const denied = checkAnthropicAuth(req);
  if (denied) return denied;
  const invalid = validateMessagesBody(body);
  if (invalid) return errorReply("anthropic", 400, invalid);
  const message = anthropicMessage(body, ctx);
  if (body.stream !== true) return { kind: "json", status: 200, body: message };
  return { kind: "sse", frames: messageFrames(message), errorFrame: streamErrorFrame("anthropic") };
}

/** The fields count_tokens takes: the prompt's, none of the generation ones. */
const COUNT_TOKENS_FIELDS = new Set(["model", "messages", "system", "tools", "tool_choice", "thinking", "mcp_servers", "context_management"]);

/** POST /v1/messages/count_tokens → {input_tokens}: the prompt's words, plus the tool definitions' words. */
function handleCountTokens(req: Request, body: any): Reply {
  const denied = checkAnthropicAuth(req);
  if (denied) return denied;
  if (!isObject(body)) return errorReply("anthropic", 400, "Request body must be a JSON object");
  for (const key of Object.keys(body)) if (!COUNT_TOKENS_FIELDS.has(key)) return errorReply("anthropic", 400, `${key}: Extra inputs are not permitted`);
  if (typeof body.model !== "string" || !body.model) return errorReply("anthropic", 400, "model: Field required");
  if (!Array.isArray(body.messages) || !body.messages.length) return errorReply("anthropic", 400, "messages: Field required");
  const invalid = validateRoles(body.messages);
  if (invalid) return errorReply("anthropic", 400, invalid);
  const tools = Array.isArray(body.tools) ? countWords(JSON.stringify(body.tools)) : 0;
  return { kind: "json", status: 200, body: { input_tokens: promptWords(body.messages, body.system) + tools } };
}

// ---------------------------------------------------------------- routing

function flavorOf(req: Request, path: string): Flavor {
  return path === "/v1/messages" || path === "/v1/messages/count_tokens" || (path === "/v1/models" && req.headers.has("anthropic-version")) ? "anthropic" : "openai";
}

function route(req: Request, path: string, body: any, ctx: Ctx): Reply {
  const key = `${req.method} ${path}`;
  if (key === "POST /v1/chat/completions") return handleChat(req, body, ctx);
  if (key === "POST /v1/responses") return handleResponses(req, body, ctx);
  if (key === "POST /v1/messages") return handleMessages(req, body, ctx);
  if (key === "POST /v1/messages/count_tokens") return handleCountTokens(req, body);
  if (key === "POST /v1/embeddings") return handleEmbeddings(req, body);
  if (key === "GET /v1/models") return handleModels(req, flavorOf(req, path));
  if (key === "POST /v1/completions") return handleCompletions(req, body, ctx);
  if (key === "POST /v1/audio/speech") return handleSpeech(req, body);
  if (key === "POST /v1/audio/transcriptions") return handleTranscription(req, body);
  if (key === "POST /v1/images/generations") return handleImages(req, body);
  return errorReply("openai", 404, `Invalid URL (${req.method} ${path})`);
}

// ---------------------------------------------------------------- OpenAI legacy completions

/** The raw prompt continued (no chat template): "mock completion of: <prompt>" in ctx.words words. */
function handleCompletions(req: Request, body: any, ctx: Ctx): Reply {
  const auth = checkOpenAIAuth(req);
  if (auth) return auth;
  if (!isObject(body) || typeof body.prompt !== "string") return errorReply("openai", 400, "prompt must be a string");
  const words = `mock completion of: ${body.prompt}`.split(/\s+/).slice(0, ctx.words);
  const text = words.join(" ");
  const base = { id: `cmpl-mock-${ctx.nextId()}`, object: "text_completion", created: Math.floor(Date.now() / 1000), model: body.model };
  const usage = { prompt_tokens: countWords(body.prompt), completion_tokens: words.length, total_tokens: countWords(body.prompt) + words.length };
  if (body.stream !== true) return { kind: "json", status: 200, body: { ...base, choices: [{ text, index: 0, logprobs: null, finish_reason: "stop" }], usage } };
  const frames = words.map((w, i) => sseData({ ...base, choices: [{ text: i ? ` ${w}` : w, index: 0, logprobs: null, finish_reason: null }] }));
  frames.push(sseData({ ...base, choices: [{ text: "", index: 0, logprobs: null, finish_reason: "stop" }] }));
  if (body.stream_options?.include_usage === true) frames.push(sseData({ ...base, choices: [], usage }));
  frames.push(SSE_DONE);
  return { kind: "sse", frames, errorFrame: streamErrorFrame("openai") };
}

// ---------------------------------------------------------------- OpenAI audio and images

const AUDIO_TYPES: Record<string, string> = { mp3: "audio/mpeg", opus: "audio/opus", aac: "audio/aac", flac: "audio/flac", wav: "audio/wav", pcm: "audio/pcm" };

/** Fake audio: an ID3 tag then the input text, so tests can check what was spoken. */
function handleSpeech(req: Request, body: any): Reply {
  const auth = checkOpenAIAuth(req);
  if (auth) return auth;
  if (!isObject(body) || typeof body.input !== "string" || typeof body.voice !== "string") return errorReply("openai", 400, "input and voice are required");
  const format = typeof body.response_format === "string" ? body.response_format : "mp3";
  return { kind: "bytes", status: 200, body: encoder.encode(`ID3${body.voice}:${body.input}`), contentType: AUDIO_TYPES[format] ?? "audio/mpeg" };
}

/** The body is multipart text here (readBody could not parse it as JSON): read the filename and model from it. */
function handleTranscription(req: Request, body: any): Reply {
  const auth = checkOpenAIAuth(req);
  if (auth) return auth;
  const text = typeof body === "string" ? body : "";
  const filename = /name="file"; filename="([^"]*)"/.exec(text)?.[1];
  const model = /name="model"\r\n\r\n([^\r]*)/.exec(text)?.[1];
  if (!filename) return errorReply("openai", 400, "Could not parse multipart form: file is required");
  return { kind: "json", status: 200, body: { text: `mock transcription of ${filename}`, model, usage: { type: "duration", seconds: 1 } } };
}

function handleImages(req: Request, body: any): Reply {
  const auth = checkOpenAIAuth(req);
  if (auth) return auth;
  if (!isObject(body) || typeof body.prompt !== "string") return errorReply("openai", 400, "prompt is required");
  const n = body.n ?? 1;
  // The value ranges are the provider's to judge (the gateway passes them on): refuse them as OpenAI does.
  if (!Number.isInteger(n) || n < 1 || n > 10) return errorReply("openai", 400, `Invalid 'n': expected an integer between 1 and 10, got ${JSON.stringify(n)}.`);
  const data = Array.from({ length: n }, (_, i) =>
    body.response_format === "b64_json" ? { b64_json: Buffer.from(`image ${i} of ${body.prompt}`).toString("base64") } : { url: `https://images.mock/${i}.png`, revised_prompt: body.prompt },
  );
  return { kind: "json", status: 200, body: { created: Math.floor(Date.now() / 1000), data } };
}

// ---------------------------------------------------------------- faults

interface QueuedFault {
  fault: Fault;
  remaining: number;
}

class FaultQueue {
  private queue: QueuedFault[] = [];

  get size(): number {
    return this.queue.length;
  }

  push(fault: Fault): void {
    this.queue.push({ fault, remaining: fault.times ?? 1 });
  }

  clear(): void {
    this.queue.length = 0;
  }

  /** The first queued fault matching this request, consuming one of its uses. */
  take(path: string, model: unknown): Fault | undefined {
    const i = this.queue.findIndex(({ fault: { match } }) => (!match?.path || match.path === path) && (!match?.model || match.model === model));
    if (i === -1) return undefined;
    const entry = this.queue[i]!;
    if (--entry.remaining <= 0) this.queue.splice(i, 1);
    return entry.fault;
  }
}

// ---------------------------------------------------------------- delivery

/** Resolves true if the signal aborted before `ms` elapsed. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(false);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Resolves true if the signal aborted before `release` settled. */
function held(release: Promise<unknown>, signal: AbortSignal): Promise<boolean> {
  const settled = release.then(
    () => false,
    () => false,
  );
  return Promise.race([settled, untilAborted(signal).then(() => true)]);
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

/** Record cancellation only when it was the client leaving, not the mock stopping. */
function noteClientGone(ex: Exchange, cancelled = false): void {
  if (ex.rec && (cancelled || ex.req.signal.aborted)) ex.rec.aborted = true;
}

type Ending = "close" | "reset" | "stall";

function hasChunkFault(f: Fault | undefined): boolean {
  return !!f && (f.chunkDelayMs !== undefined || f.resetAfterChunks !== undefined || f.stallAfterChunks !== undefined || f.errorEventAfterChunks !== undefined || f.pauseAfterChunks !== undefined);
}

/** Frames actually sent and how the body ends; reset wins over stall, which wins over an error event. */
function planStream(frames: Frame[], errorFrame: Frame | null, f: Fault): { frames: Frame[]; ending: Ending } {
  if (f.resetAfterChunks !== undefined) return { frames: frames.slice(0, f.resetAfterChunks), ending: "reset" };
  if (f.stallAfterChunks !== undefined) return { frames: frames.slice(0, f.stallAfterChunks), ending: "stall" };
  if (f.errorEventAfterChunks !== undefined && errorFrame !== null) {
    return { frames: [...frames.slice(0, f.errorEventAfterChunks), errorFrame], ending: "close" };
  }
  return { frames, ending: "close" };
}

/** A body that emits frames one by one, pacing and ending as planned, and stops when the client leaves. */
function framedBody(frames: Frame[], ending: Ending, chunkDelayMs: number, ex: Exchange, pause?: { after: number; until: Promise<unknown> }): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i < frames.length) {
        if (i > 0 && chunkDelayMs > 0 && (await sleep(chunkDelayMs, ex.signal))) return noteClientGone(ex);
        if (pause && i === pause.after && (await held(pause.until, ex.signal))) return noteClientGone(ex);
        const f = frames[i++]!;
        controller.enqueue(typeof f === "string" ? encoder.encode(f) : f);
        return;
      }
      if (ending === "reset") return resetAfterFlush(controller, frames.length > 0, ex);
      if (ending === "stall") {
        await untilAborted(ex.signal);
        noteClientGone(ex);
      }
      try {
        controller.close();
      } catch {
        // Already closed by a client cancel.
      }
    },
    cancel() {
      noteClientGone(ex, true);
    },
  });
}

/** Erroring right after enqueue loses the queued bytes (even the headers), so let them reach the client first. */
async function resetAfterFlush(controller: ReadableStreamDefaultController<Uint8Array>, sentFrames: boolean, ex: Exchange): Promise<void> {
  if (sentFrames && (await sleep(RESET_FLUSH_MS, ex.signal))) return noteClientGone(ex);
  // error(undefined) makes Bun drop the socket without the final chunk, and without logging a stack.
  controller.error(undefined);
}

function withHeaders(base: Record<string, string>, extra?: Record<string, string>): Record<string, string> {
  return extra ? { ...base, ...extra } : base;
}

function headersOf(reply: Reply): Record<string, string> {
  switch (reply.kind) {
    case "json":
      return reply.headers ? { ...JSON_HEADERS, ...reply.headers } : JSON_HEADERS;
    case "sse":
      return reply.contentType ? { ...SSE_HEADERS, "content-type": reply.contentType } : SSE_HEADERS;
    case "binary":
    case "bytes":
      return { "content-type": reply.contentType };
  }
}

function joinFrames(frames: Frame[]): Frame {
  if (frames.every((f) => typeof f === "string")) return (frames as string[]).join("");
  return Buffer.concat(frames.map((f) => (typeof f === "string" ? encoder.encode(f) : f)));
}

function halves(f: Frame): Frame[] {
  if (typeof f === "string") return splitInto(f, 2);
  const mid = Math.ceil(f.length / 2);
  return [f.subarray(0, mid), f.subarray(mid)];
}

function deliver(reply: Reply, fault: Fault | undefined, ex: Exchange): Response {
  const streaming = reply.kind === "sse" || reply.kind === "binary";
  const headers = withHeaders(headersOf(reply), fault?.headers);
  const status = reply.kind === "json" || reply.kind === "bytes" ? reply.status : 200;
  const whole: Frame[] = streaming ? reply.frames : [reply.kind === "json" ? JSON.stringify(reply.body) : reply.body];
  if (!hasChunkFault(fault)) return new Response(whole.length === 1 ? whole[0] : joinFrames(whole), { status, headers });
  // A whole body is sent as two halves so reset/stall can land mid-body.
  const frames = streaming ? whole : halves(whole[0]!);
  const plan = planStream(frames, streaming ? reply.errorFrame : null, fault!);
  const pause = fault!.pauseAfterChunks !== undefined ? { after: fault!.pauseAfterChunks, until: fault!.resumeWhen ?? Promise.resolve() } : undefined;
  return new Response(framedBody(plan.frames, plan.ending, fault!.chunkDelayMs ?? 0, ex, pause), { status, headers });
}

/** Status and raw-body faults replace the route's answer entirely. */
function faultReply(fault: Fault, flavor: Flavor, stream: boolean, dialect?: MockDialect): Response | null {
  if (fault.rawBody !== undefined) {
    const headers = withHeaders(stream ? SSE_HEADERS : JSON_HEADERS, fault.headers);
    return new Response(fault.rawBody, { status: fault.status ?? 200, headers });
  }
  if (fault.status === undefined) return null;
  const message = fault.message ?? defaultFaultMessage(fault.status);
  const body = dialect ? dialect.errorBody(fault.status, message) : errorBody(flavor, fault.status, message);
  return new Response(JSON.stringify(body), { status: fault.status, headers: withHeaders(JSON_HEADERS, fault.headers) });
}

async function readBody(req: Request): Promise<any> {
  if (req.method === "GET" || req.method === "HEAD") return null;
  const text = await req.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function recordOf(req: Request, path: string, search: string, body: unknown): RecordedRequest {
  return { method: req.method, path, search, headers: req.headers.toJSON(), body, at: Date.now() };
}

/** A fault's in-stream error event uses its message; the route's default frame otherwise. */
function withFaultMessage(reply: Reply, flavor: Flavor, fault: Fault | undefined, dialect?: MockDialect): Reply {
  if (fault?.message === undefined) return reply;
  if (reply.kind === "binary" && dialect) return { ...reply, errorFrame: dialect.streamErrorFrame(fault.message) as Uint8Array };
  if (reply.kind !== "sse") return reply;
  return { ...reply, errorFrame: dialect ? (dialect.streamErrorFrame(fault.message) as string) : streamErrorFrame(flavor, fault.message) };
}

// ---------------------------------------------------------------- server

export async function startMockUpstream(opts: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const dialects = opts.dialects ?? MOCK_DIALECTS;
  const record = opts.record ?? true;
  const requests: RecordedRequest[] = [];
  const faults = new FaultQueue();
  const shutdown = new AbortController();
  let counter = 0;
  const ctx: Ctx = { words: Math.max(1, opts.words ?? 5), nextId: () => ++counter };
  const pace: Fault | undefined = opts.streamChunkDelayMs ? { chunkDelayMs: opts.streamChunkDelayMs } : undefined;

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const path = url.pathname;
    const body = await readBody(req);
    const rec = record ? recordOf(req, path, url.search, body) : null;
    if (rec) requests.push(rec);
    const fault = faults.size ? faults.take(path, body?.model) : undefined;
    const dialect = dialects.find((d) => d.owns(req, url));
    const answer = async () => (dialect ? await dialect.handle(req, url, body, ctx) : route(req, path, body, ctx));
    if (!fault) {
      const reply = await answer();
      if (pace && (reply.kind === "sse" || reply.kind === "binary")) return deliver(reply, pace, { req, rec, signal: AbortSignal.any([req.signal, shutdown.signal]) });
      return deliver(reply, undefined, { req, rec, signal: req.signal });
    }

    const ex: Exchange = { req, rec, signal: AbortSignal.any([req.signal, shutdown.signal]) };
    if ((fault.delayMs && (await sleep(fault.delayMs, ex.signal))) || (fault.until && (await held(fault.until, ex.signal)))) {
      noteClientGone(ex);
      return new Response(null, { status: 499 });
    }
    const flavor = flavorOf(req, path);
    const replaced = faultReply(fault, flavor, body?.stream === true, dialect);
    if (replaced) return replaced;
    return deliver(withFaultMessage(await answer(), flavor, fault, dialect), fault, ex);
  }

  const server = Bun.serve({
    port: opts.port ?? 0,
    hostname: "127.0.0.1",
    // Slow and stalled streams must only end when the client (or stop()) ends them.
    idleTimeout: 0,
    fetch: handle,
  });

  const port = server.port!;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    fault: (f) => faults.push(f),
    clearFaults: () => faults.clear(),
    reset() {
      requests.length = 0;
      faults.clear();
      counter = 0;
    },
    async stop() {
      shutdown.abort();
      await server.stop(true);
    },
  };
}

// ---------------------------------------------------------------- CLI

function parseArgs(argv: string[]): MockUpstreamOptions {
  const opts: MockUpstreamOptions = { port: 9100 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--port") opts.port = Number(argv[++i]);
    else if (argv[i] === "--words") opts.words = Number(argv[++i]);
    else if (argv[i] === "--no-record") opts.record = false;
    else if (argv[i] === "--chunk-delay-ms") opts.streamChunkDelayMs = Number(argv[++i]);
  }
  return opts;
}

if (import.meta.main) {
  const mock = await startMockUpstream(parseArgs(process.argv.slice(2)));
  console.log(`mock upstream listening on ${mock.url}`);
  const quit = () => void mock.stop().then(() => process.exit(0));
  process.on("SIGINT", quit);
  process.on("SIGTERM", quit);
}

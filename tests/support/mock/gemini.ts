/**
 * The Google dialect of the mock upstream: the Gemini API (generativelanguage v1beta) and Vertex AI
 * (publishers/google generateContent and predict, publishers/anthropic rawPredict for Claude).
 * Answers "mock reply to: <last user text>" cut or padded to ctx.words words; usage counts words.
 */
import { cachedTokens, countWords, embed, replyWords, type MockCtx, type MockDialect, type MockReply } from "./types";

// ---------------------------------------------------------------- routes

const GEMINI_MODELS = "/v1beta/models";
const GEMINI_METHOD = /^\/v1beta\/((?:models|tunedModels)\/[^/:]+):([A-Za-z]+)$/;
const VERTEX_METHOD = /^\/v1\/projects\/[^/]+\/locations\/[^/]+\/publishers\/(google|anthropic)\/models\/([^/:]+):([A-Za-z]+)$/;

/** Vertex's version for Claude; anything else is refused, as Vertex does. */
const VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16";

/** Top-level fields of a GenerateContentRequest (both spellings protobuf JSON accepts); others are a 400, as upstream. */
const REQUEST_FIELDS = new Set([
  "contents", "systemInstruction", "system_instruction", "tools", "toolConfig", "tool_config", "generationConfig", "generation_config",
  "safetySettings", "safety_settings", "cachedContent", "cached_content", "labels", "model",
]);

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 409: "ABORTED",
  429: "RESOURCE_EXHAUSTED", 499: "CANCELLED", 500: "INTERNAL", 501: "UNIMPLEMENTED", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED",
};

const MODELS = {
  models: [
    { name: "models/gemini-2.5-flash", version: "001", displayName: "Gemini 2.5 Flash", inputTokenLimit: 1048576, outputTokenLimit: 65536, supportedGenerationMethods: ["generateContent", "countTokens"] },
    { name: "models/gemini-2.0-flash", version: "2.0", displayName: "Gemini 2.0 Flash", inputTokenLimit: 1048576, outputTokenLimit: 8192, supportedGenerationMethods: ["generateContent", "countTokens"] },
    { name: "models/gemini-embedding-001", version: "001", displayName: "Gemini Embedding 001", inputTokenLimit: 2048, outputTokenLimit: 1, supportedGenerationMethods: ["embedContent", "countTokens"] },
    { name: "models/imagen-4.0-generate-001", version: "001", displayName: "Imagen 4", inputTokenLimit: 480, outputTokenLimit: 8192, supportedGenerationMethods: ["predict"] },
  ],
};

export const geminiMockDialect: MockDialect = {
  name: "gemini",

  owns(_req, url) {
    const p = url.pathname;
    return p === GEMINI_MODELS || GEMINI_METHOD.test(p) || VERTEX_METHOD.test(p);
  },

  handle(req, url, body, ctx) {
    const denied = checkAuth(req);
    if (denied) return denied;
    const p = url.pathname;
    if (p === GEMINI_MODELS && req.method === "GET") return { kind: "json", status: 200, body: MODELS };
    const gemini = GEMINI_METHOD.exec(p);
    if (gemini && req.method === "POST") return geminiMethod(gemini[1]!, gemini[2]!, url, body, ctx);
    const vertex = VERTEX_METHOD.exec(p);
    if (vertex && req.method === "POST") {
      const [, publisher, model, method] = vertex as unknown as [string, string, string, string];
      if (publisher === "anthropic") return claudeMethod(model, method, body, ctx);
      if (method === "predict") return vertexPredict(body);
      return geminiMethod(`models/${model}`, method, url, body, ctx, true);
    }
    return googleReply(404, `Method not found: ${req.method} ${p}`);
  },

  errorBody: googleErrorBody,

  /** Google reports a failure after the 200 as its bare, pretty-printed error body, not as an event. */
  streamErrorFrame(message) {
    return `${JSON.stringify(googleErrorBody(503, message), null, 2)}\n`;
  },
};

// ---------------------------------------------------------------- errors and auth

function googleErrorBody(status: number, message: string): unknown {
  return { error: { code: status, message, status: STATUS_NAMES[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION") } };
}

function googleReply(status: number, message: string): MockReply {
  return { kind: "json", status, body: googleErrorBody(status, message) };
}

/** Google's own SSE framing: one data line per event, CRLF line ends. */
function googleFrame(obj: unknown): string {
  return `data: ${JSON.stringify(obj)}\r\n\r\n`;
}

/** The Gemini API takes x-goog-api-key; Vertex takes an OAuth bearer token. Either will do here. */
function checkAuth(req: Request): MockReply | null {
  const bearer = /^Bearer\s+(.*)$/i.exec(req.headers.get("authorization") ?? "")?.[1]?.trim() ?? "";
  const key = req.headers.get("x-goog-api-key")?.trim() || bearer;
  if (!key) return googleReply(401, "Request is missing required authentication credential. Expected OAuth 2 access token, API key, or other valid authentication credential.");
  if (key === "bad-key") return googleReply(401, "API key not valid. Please pass a valid API key.");
  return null;
}

// ---------------------------------------------------------------- Gemini: generateContent

function geminiMethod(modelPath: string, method: string, url: URL, body: any, ctx: MockCtx, vertex = false): MockReply {
  const model = modelPath.replace(/^(models|tunedModels)\//, "");
  if (method === "batchEmbedContents") return batchEmbed(modelPath, body);
  if (method === "embedContent") return embedOne(body);
  if (method === "countTokens") return countTokens(body, vertex);
  if (method !== "generateContent" && method !== "streamGenerateContent") return googleReply(404, `Method not found: ${method}`);
  const invalid = validateGenerate(body, vertex);
  if (invalid) return googleReply(400, invalid);
  const answer = generate(body, model, ctx);
  if (method === "generateContent") return { kind: "json", status: 200, body: answer.response };
  // Without alt=sse Google streams one JSON array of the same events.
  if (url.searchParams.get("alt") !== "sse") return { kind: "json", status: 200, body: answer.events };
  return { kind: "sse", frames: answer.events.map(googleFrame), errorFrame: geminiMockDialect.streamErrorFrame("The model is overloaded. Please try again later.") as string };
}

/**
 * One generateContent answer as the Gemini API gives it (the batch mock runs each batch request through it):
 * {ok: true, response} or the 400 the request would have got.
 */
export function geminiGenerateContent(body: unknown, model: string, ctx: MockCtx): { ok: true; response: Record<string, unknown> } | { ok: false; status: number; message: string } {
  const invalid = validateGenerate(body, false);
  if (invalid) return { ok: false, status: 400, message: invalid };
  return { ok: true, response: generate(body, model.replace(/^(models|tunedModels)\//, ""), ctx).response };
}

/** Vertex also insists on a role for every content; the Gemini API defaults it to user. */
function validateGenerate(body: any, vertex: boolean): string | null {
  if (!isObject(body)) return "Invalid JSON payload received. Expected an object.";
  for (const key of Object.keys(body)) if (!REQUEST_FIELDS.has(key)) return `Invalid JSON payload received. Unknown name "${key}": Cannot find field.`;
  if (!Array.isArray(body.contents) || !body.contents.length) return "* GenerateContentRequest.contents: contents is not specified";
  for (const [i, c] of body.contents.entries()) {
    if (!Array.isArray(c?.parts) || !c.parts.length) return `* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.`;
    if ((vertex || c.role !== undefined) && c.role !== "user" && c.role !== "model") return `* GenerateContentRequest.contents[${i}].role: Please use a valid role: user, model.`;
  }
  return null;
}

interface Answer {
  response: Record<string, unknown>;
  /** The same answer as stream events: thinking, one event per word, the last with finishReason and usage. */
  events: Record<string, unknown>[];
}

function generate(body: any, model: string, ctx: MockCtx): Answer {
  const userText = lastUserText(body.contents);
  const toolName = geminiToolName(body, userText);
  const config = body.generationConfig ?? {};
  const cap = typeof config.maxOutputTokens === "number" && config.maxOutputTokens >= 1 ? Math.floor(config.maxOutputTokens) : Infinity;
  const n = Math.min(ctx.words, cap);
  const thinking = config.thinkingConfig?.includeThoughts === true && config.thinkingConfig?.thinkingBudget !== 0;
  const args = { query: userText };
  const words = replyWords(userText, n);
  const prompt = Math.max(1, promptWords(body));
  const completion = toolName ? Math.max(1, countWords(JSON.stringify(args))) : n;
  const thoughts = thinking ? 2 : 0;
  const finishReason = !toolName && n < ctx.words ? "MAX_TOKENS" : "STOP";
  const cached = cachedTokens(userText, prompt);
  const usage = {
    promptTokenCount: prompt,
    candidatesTokenCount: completion,
    totalTokenCount: prompt + completion + thoughts,
    ...(cached ? { cachedContentTokenCount: cached } : {}),
    ...(thinking ? { thoughtsTokenCount: thoughts } : {}),
  };
  const meta = { modelVersion: model, responseId: `mock-${ctx.nextId()}` };
  const thought = { text: "mock thinking", thought: true };
  const answerParts = toolName ? [{ functionCall: { name: toolName, args } }] : [{ text: words.join(" ") }];

  const candidate = (parts: unknown[], finish?: string) => ({ content: { parts, role: "model" }, ...(finish ? { finishReason: finish } : {}), index: 0 });
  const response = { candidates: [candidate(thinking ? [thought, ...answerParts] : answerParts, finishReason)], usageMetadata: usage, ...meta };

  const running = { promptTokenCount: prompt, totalTokenCount: prompt };
  const events: Record<string, unknown>[] = [];
  if (thinking) events.push({ candidates: [candidate([thought])], usageMetadata: running, ...meta });
  if (toolName) events.push({ candidates: [candidate(answerParts, finishReason)], usageMetadata: usage, ...meta });
  else {
    words.forEach((w, i) => {
      const last = i === words.length - 1;
      events.push({ candidates: [candidate([{ text: i ? ` ${w}` : w }], last ? finishReason : undefined)], usageMetadata: last ? usage : running, ...meta });
    });
    if (!words.length) events.push({ candidates: [candidate([{ text: "" }], finishReason)], usageMetadata: usage, ...meta });
  }
  return { response, events };
}

/** A call is made when tools exist and the mode is ANY, or the user mentions a tool — not when answering a function response. */
function geminiToolName(body: any, userText: string): string | null {
  const names: string[] = (Array.isArray(body.tools) ? body.tools : []).flatMap((t: any) =>
    Array.isArray(t?.functionDeclarations) ? t.functionDeclarations.map((d: any) => d?.name).filter((x: unknown) => typeof x === "string") : [],
  );
  const calling = body.toolConfig?.functionCallingConfig ?? {};
  if (!names.length || calling.mode === "NONE") return null;
  const last = body.contents[body.contents.length - 1];
  const answeringResult = Array.isArray(last?.parts) && last.parts.some((p: any) => p?.functionResponse);
  if (calling.mode !== "ANY" && (answeringResult || !/\btools?\b/i.test(userText))) return null;
  const allowed = Array.isArray(calling.allowedFunctionNames) ? calling.allowedFunctionNames[0] : undefined;
  return typeof allowed === "string" ? allowed : names[0]!;
}

function partsText(parts: unknown): string {
  if (!Array.isArray(parts)) return "";
  return parts.map((p: any) => (typeof p?.text === "string" && !p.thought ? p.text : "")).filter(Boolean).join(" ");
}

/** The last user turn that has text (function-response-only turns are skipped). */
function lastUserText(contents: any[]): string {
  for (let i = contents.length - 1; i >= 0; i--) {
    if ((contents[i]?.role ?? "user") !== "user") continue;
    const text = partsText(contents[i].parts).trim();
    if (text) return text;
  }
  return "";
}

function promptWords(body: any): number {
  let n = countWords(partsText(body.systemInstruction?.parts));
  for (const c of body.contents) {
    n += countWords(partsText(c.parts));
    for (const p of c.parts) if (p?.functionResponse) n += countWords(JSON.stringify(p.functionResponse.response ?? {}));
  }
  return n;
}

// ---------------------------------------------------------------- Gemini and Vertex: countTokens

/**
 * Gemini takes {contents} or {generateContentRequest: {model, contents, systemInstruction, tools, …}};
 * Vertex takes {contents, systemInstruction, tools} itself. Tokens are the prompt's words plus the tools'.
 */
function countTokens(body: any, vertex: boolean): MockReply {
  if (!isObject(body)) return googleReply(400, "Invalid JSON payload received. Expected an object.");
  const allowed = vertex ? ["contents", "systemInstruction", "tools", "generationConfig", "instances", "model"] : ["contents", "generateContentRequest"];
  for (const key of Object.keys(body)) if (!allowed.includes(key)) return googleReply(400, `Invalid JSON payload received. Unknown name "${key}": Cannot find field.`);
  const prompt = !vertex && isObject(body.generateContentRequest) ? body.generateContentRequest : body;
  const invalid = validateGenerate(prompt, vertex);
  if (invalid) return googleReply(400, invalid.replace("GenerateContentRequest", "CountTokensRequest"));
  const tools = Array.isArray(prompt.tools) ? countWords(JSON.stringify(prompt.tools)) : 0;
  return { kind: "json", status: 200, body: { totalTokens: promptWords(prompt) + tools, ...(vertex ? { totalBillableCharacters: JSON.stringify(prompt.contents).length } : { promptTokensDetails: [{ modality: "TEXT", tokenCount: promptWords(prompt) + tools }] }) } };
}

// ---------------------------------------------------------------- Gemini and Vertex: embeddings

function dims(v: unknown): number {
  return Number.isInteger(v) && (v as number) > 0 ? (v as number) : 8;
}

function batchEmbed(modelPath: string, body: any): MockReply {
  if (!isObject(body) || !Array.isArray(body.requests) || !body.requests.length) return googleReply(400, "* BatchEmbedContentsRequest.requests: requests is not specified");
  const embeddings: Array<{ values: number[] }> = [];
  for (const [i, r] of body.requests.entries()) {
    if (r?.model !== modelPath) return googleReply(400, `* BatchEmbedContentsRequest.requests[${i}].model: model must be "${modelPath}", the model of the batch`);
    const text = partsText(r.content?.parts);
    if (!text) return googleReply(400, `* BatchEmbedContentsRequest.requests[${i}].content: content is empty`);
    embeddings.push({ values: embed(text, dims(r.outputDimensionality)) });
  }
  return { kind: "json", status: 200, body: { embeddings } };
}

function embedOne(body: any): MockReply {
  const text = partsText(body?.content?.parts);
  if (!text) return googleReply(400, "* EmbedContentRequest.content: content is not specified");
  return { kind: "json", status: 200, body: { embedding: { values: embed(text, dims(body.outputDimensionality)) } } };
}

function vertexPredict(body: any): MockReply {
  if (!isObject(body) || !Array.isArray(body.instances) || !body.instances.length) return googleReply(400, "instances must be a non-empty list");
  const d = dims(body.parameters?.outputDimensionality);
  const predictions = body.instances.map((inst: any) => {
    const text = typeof inst?.content === "string" ? inst.content : "";
    return { embeddings: { statistics: { truncated: false, token_count: countWords(text) }, values: embed(text, d) } };
  });
  return { kind: "json", status: 200, body: { predictions, metadata: { billableCharacterCount: body.instances.reduce((n: number, i: any) => n + String(i?.content ?? "").length, 0) } } };
}

// ---------------------------------------------------------------- Vertex: Claude (Anthropic Messages at rawPredict)

function anthropicErrorReply(status: number, message: string): MockReply {
  return { kind: "json", status, body: { type: "error", error: { type: status === 400 ? "invalid_request_error" : "api_error", message } } };
}

function claudeMethod(model: string, method: string, body: any, ctx: MockCtx): MockReply {
  if (model === "count-tokens" && method === "rawPredict") return claudeCountTokens(body);
  if (method !== "rawPredict" && method !== "streamRawPredict") return googleReply(404, `Method not found: ${method}`);
  if (!isObject(body)) return anthropicErrorReply(400, "Request body must be a JSON object");
  if (body.anthropic_version !== VERTEX_ANTHROPIC_VERSION) return anthropicErrorReply(400, `anthropic_version: Input should be '${VERTEX_ANTHROPIC_VERSION}'`);
  if ("model" in body) return anthropicErrorReply(400, "model: Extra inputs are not permitted");
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) return anthropicErrorReply(400, "max_tokens: Field required");
  if (!Array.isArray(body.messages) || !body.messages.length) return anthropicErrorReply(400, "messages: at least one message is required");
  const message = claudeMessage(body, model, ctx);
  if (method === "rawPredict") return { kind: "json", status: 200, body: message };
  const errorFrame = sseEvent("error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
  return { kind: "sse", frames: claudeFrames(message), errorFrame };
}

/** Claude's count-tokens on Vertex: Anthropic's count_tokens body, the model named in it → {input_tokens}. */
function claudeCountTokens(body: any): MockReply {
  if (!isObject(body)) return anthropicErrorReply(400, "Request body must be a JSON object");
  if (typeof body.model !== "string" || !body.model) return anthropicErrorReply(400, "model: Field required");
  if ("max_tokens" in body || "stream" in body) return anthropicErrorReply(400, `${"max_tokens" in body ? "max_tokens" : "stream"}: Extra inputs are not permitted`);
  if (!Array.isArray(body.messages) || !body.messages.length) return anthropicErrorReply(400, "messages: Field required");
  let n = countWords(blocksText(body.system));
  for (const m of body.messages) n += countWords(blocksText(m?.content));
  return { kind: "json", status: 200, body: { input_tokens: Math.max(1, n) } };
}

function blocksText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((b: any) => (b?.type === "text" && typeof b.text === "string" ? b.text : "")).filter(Boolean).join(" ");
}

function claudeMessage(body: any, model: string, ctx: MockCtx): any {
  let userText = "";
  for (let i = body.messages.length - 1; i >= 0 && !userText; i--) if (body.messages[i]?.role === "user") userText = blocksText(body.messages[i].content).trim();
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const choice = isObject(body.tool_choice) ? body.tool_choice : { type: "auto" };
  const last = body.messages[body.messages.length - 1];
  const answeringResult = Array.isArray(last?.content) && last.content.some((b: any) => b?.type === "tool_result");
  const forced = choice.type === "any" || choice.type === "tool";
  const toolName = tools.length && choice.type !== "none" && (forced || (!answeringResult && /\btools?\b/i.test(userText))) ? (choice.name ?? tools[0].name) : null;
  const n = Math.min(ctx.words, body.max_tokens);
  const input = { query: userText };
  let prompt = countWords(blocksText(body.system));
  for (const m of body.messages) prompt += countWords(blocksText(m?.content));
  return {
    id: `msg_vrtx_mock_${ctx.nextId()}`,
    type: "message",
    role: "assistant",
    model,
    content: toolName ? [{ type: "tool_use", id: "toolu_vrtx_mock_1", name: toolName, input }] : [{ type: "text", text: replyWords(userText, n).join(" ") }],
    stop_reason: toolName ? "tool_use" : n < ctx.words ? "max_tokens" : "end_turn",
    stop_sequence: null,
    usage: {
      input_tokens: Math.max(1, prompt) - cachedTokens(userText, Math.max(1, prompt)),
      output_tokens: toolName ? Math.max(1, countWords(JSON.stringify(input))) : n,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: cachedTokens(userText, Math.max(1, prompt)),
    },
  };
}

function sseEvent(event: string, obj: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(obj)}\n\n`;
}

function claudeFrames(m: any): string[] {
  const start = { ...m, content: [], stop_reason: null, usage: { ...m.usage, output_tokens: 1 } };
  const frames = [sseEvent("message_start", { type: "message_start", message: start })];
  const block = m.content[0];
  if (block.type === "tool_use") {
    frames.push(sseEvent("content_block_start", { type: "content_block_start", index: 0, content_block: { ...block, input: {} } }));
    frames.push(sseEvent("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) } }));
  } else {
    frames.push(sseEvent("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }));
    block.text.split(" ").forEach((w: string, i: number) => frames.push(sseEvent("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: i ? ` ${w}` : w } })));
  }
  frames.push(sseEvent("content_block_stop", { type: "content_block_stop", index: 0 }));
  frames.push(sseEvent("message_delta", { type: "message_delta", delta: { stop_reason: m.stop_reason, stop_sequence: null }, usage: { output_tokens: m.usage.output_tokens } }));
  frames.push(sseEvent("message_stop", { type: "message_stop" }));
  return frames;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

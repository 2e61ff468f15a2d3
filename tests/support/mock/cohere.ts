/**
 * The Cohere dialect of the mock upstream: /v2/chat (JSON and SSE), /v2/embed, /v2/rerank and GET /v1/models,
 * answered deterministically in Cohere's own shapes, with Cohere's `{message}` errors.
 */
import { cachedTokens, countWords, embed, replyWords, type MockCtx, type MockDialect, type MockReply } from "./types";

const sse = (type: string, data: unknown) => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
const isObject = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v);

function error(status: number, message: string): MockReply {
  return { kind: "json", status, body: { id: "mock-error", message } };
}

function checkAuth(req: Request): MockReply | null {
  const key = /^Bearer\s+(.*)$/i.exec(req.headers.get("authorization") ?? "")?.[1]?.trim();
  if (!key) return error(401, "no api key supplied");
  if (key === "bad-key") return error(401, "invalid api token");
  return null;
}

/** Text of a Cohere content: a string, or text (and, when asked, document) parts. */
function textOf(content: unknown, withDocuments = false): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const parts: string[] = [];
  for (const p of content) {
    if (p?.type === "text" && typeof p.text === "string") parts.push(p.text);
    else if (withDocuments && p?.type === "document") parts.push(typeof p.document?.data === "string" ? p.document.data : JSON.stringify(p.document?.data ?? ""));
  }
  return parts.join(" ");
}

function lastUserText(messages: any[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role !== "user") continue;
    const text = textOf(messages[i].content).trim();
    if (text) return text;
  }
  return "";
}

/** Prompt size in words across every message (tool results included), min 1. */
function promptWords(messages: any[]): number {
  let n = 0;
  for (const m of messages) n += countWords(textOf(m?.content, true)) + countWords(m?.tool_plan ?? "");
  return Math.max(1, n);
}

/** Forced by REQUIRED, or "tool" in the user's text unless the turn answers a tool result; never with NONE. */
function toolName(body: any, userText: string): string | null {
  const tools = Array.isArray(body.tools) ? body.tools : [];
  if (!tools.length || body.tool_choice === "NONE") return null;
  const answeringToolResult = body.messages[body.messages.length - 1]?.role === "tool";
  if (body.tool_choice !== "REQUIRED" && (answeringToolResult || !/\btools?\b/i.test(userText))) return null;
  return tools[0]?.function?.name ?? "tool";
}

function validateChat(body: any): string | null {
  if (!isObject(body)) return "invalid request: body must be a JSON object";
  if (typeof body.model !== "string" || !body.model) return "invalid request: model must be specified";
  if (!Array.isArray(body.messages) || !body.messages.length) return "invalid request: messages must not be empty";
  for (const key of ["top_p", "top_k", "stop", "n", "stream_options", "max_completion_tokens"]) {
    if (key in body) return `invalid request: unknown field: parameter ${key} is not a valid field`;
  }
  for (const m of body.messages) {
    if (!["system", "user", "assistant", "tool"].includes(m?.role)) return `invalid request: role must be one of system, user, assistant, tool`;
    if (m.role === "tool" && !m.tool_call_id) return "invalid request: tool messages must have a tool_call_id";
  }
  return null;
}

function chatResponse(body: any, ctx: MockCtx): any {
  const userText = lastUserText(body.messages);
  const tool = toolName(body, userText);
  const cap = Number.isInteger(body.max_tokens) && body.max_tokens >= 1 ? body.max_tokens : Infinity;
  const n = Math.min(ctx.words, cap);
  const input = promptWords(body.messages);
  const message: any = { role: "assistant" };
  let output: number;
  if (tool) {
    const args = JSON.stringify({ query: userText });
    message.tool_calls = [{ id: `${tool}_mock${ctx.nextId()}`, type: "function", function: { name: tool, arguments: args } }];
    output = Math.max(1, countWords(args));
  } else {
    message.content = [{ type: "text", text: replyWords(userText, n).join(" ") }];
    output = n;
  }
  const tokens = { input_tokens: input, output_tokens: output };
  const cached = cachedTokens(userText, input);
  return {
    id: `mock-${ctx.nextId()}`,
    finish_reason: tool ? "TOOL_CALL" : cap < ctx.words ? "MAX_TOKENS" : "COMPLETE",
    message,
    usage: { billed_units: tokens, tokens, ...(cached ? { cached_tokens: cached } : {}) },
  };
}

/** The same response as Cohere's SSE events: one content-delta per word, tool-call arguments in three pieces. */
function chatFrames(res: any): string[] {
  const frames = [sse("message-start", { id: res.id, type: "message-start", delta: { message: { role: "assistant", content: [], tool_plan: "", tool_calls: [], citations: [] } } })];
  const call = res.message.tool_calls?.[0];
  if (call) {
    const head = { id: call.id, type: "function", function: { name: call.function.name, arguments: "" } };
    frames.push(sse("tool-call-start", { type: "tool-call-start", index: 0, delta: { message: { tool_calls: head } } }));
    const args: string = call.function.arguments;
    const size = Math.ceil(args.length / 3);
    for (let i = 0; i < args.length; i += size) {
      frames.push(sse("tool-call-delta", { type: "tool-call-delta", index: 0, delta: { message: { tool_calls: { function: { arguments: args.slice(i, i + size) } } } } }));
    }
    frames.push(sse("tool-call-end", { type: "tool-call-end", index: 0 }));
  } else {
    frames.push(sse("content-start", { type: "content-start", index: 0, delta: { message: { content: { type: "text", text: "" } } } }));
    res.message.content[0].text.split(" ").forEach((w: string, i: number) => {
      frames.push(sse("content-delta", { type: "content-delta", index: 0, delta: { message: { content: { text: i ? ` ${w}` : w } } } }));
    });
    frames.push(sse("content-end", { type: "content-end", index: 0 }));
  }
  frames.push(sse("message-end", { type: "message-end", delta: { finish_reason: res.finish_reason, usage: res.usage } }));
  return frames;
}

function streamErrorFrame(message: string): string {
  return sse("message-end", { type: "message-end", delta: { error: message, finish_reason: "ERROR" } });
}

function handleChat(body: any, ctx: MockCtx): MockReply {
  const invalid = validateChat(body);
  if (invalid) return error(400, invalid);
  const res = chatResponse(body, ctx);
  if (body.stream !== true) return { kind: "json", status: 200, body: res };
  return { kind: "sse", frames: chatFrames(res), errorFrame: streamErrorFrame("internal server error, this has been reported to our developers") };
}

function handleEmbed(body: any, ctx: MockCtx): MockReply {
  if (!isObject(body) || !Array.isArray(body.texts) || !body.texts.length) return error(400, "invalid request: texts must not be empty");
  if (typeof body.input_type !== "string") return error(400, "invalid request: input_type is required for embed-v3 and newer models");
  const dims = Number.isInteger(body.output_dimension) && body.output_dimension > 0 ? body.output_dimension : 8;
  const vectors = body.texts.map((t: string) => embed(String(t), dims));
  const types: string[] = Array.isArray(body.embedding_types) && body.embedding_types.length ? body.embedding_types : ["float"];
  const embeddings: Record<string, unknown> = {};
  for (const type of types) {
    if (type === "float") embeddings.float = vectors;
    else if (type === "base64") embeddings.base64 = vectors.map((v: number[]) => Buffer.from(new Float32Array(v).buffer).toString("base64"));
    else return error(400, `invalid request: embedding type ${type} is not supported by the mock`);
  }
  const tokens = Math.max(1, body.texts.reduce((n: number, t: string) => n + countWords(String(t)), 0));
  return {
    kind: "json",
    status: 200,
    body: { id: `mock-${ctx.nextId()}`, embeddings, texts: body.texts, meta: { api_version: { version: "2" }, billed_units: { input_tokens: tokens } }, response_type: "embeddings_by_type" },
  };
}

/** Score = share of the query's words found in the document, so the ranking is deterministic and explainable. */
function relevance(query: string, doc: string): number {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (!words.length) return 0;
  const text = doc.toLowerCase();
  return Math.round((words.filter((w) => text.includes(w)).length / words.length) * 1e6) / 1e6;
}

function handleRerank(body: any, ctx: MockCtx): MockReply {
  if (!isObject(body) || typeof body.query !== "string" || !body.query) return error(400, "invalid request: query must not be empty");
  if (!Array.isArray(body.documents) || !body.documents.length) return error(400, "invalid request: documents must not be empty");
  if (!body.documents.every((d: unknown) => typeof d === "string")) return error(400, "invalid request: documents must be a list of strings");
  const ranked = body.documents
    .map((d: string, index: number) => ({ index, relevance_score: relevance(body.query, d) }))
    .sort((a: any, b: any) => b.relevance_score - a.relevance_score || a.index - b.index);
  const topN = Number.isInteger(body.top_n) && body.top_n > 0 ? body.top_n : ranked.length;
  return {
    kind: "json",
    status: 200,
    body: { id: `mock-${ctx.nextId()}`, results: ranked.slice(0, topN), meta: { api_version: { version: "2" }, billed_units: { search_units: 1 } } },
  };
}

const MODELS = {
  models: [
    { name: "command-a-03-2025", endpoints: ["generate", "chat", "summarize"], finetuned: false, context_length: 256000, default_endpoints: ["chat"] },
    { name: "embed-v4.0", endpoints: ["embed"], finetuned: false, context_length: 128000, default_endpoints: ["embed"] },
    { name: "rerank-v3.5", endpoints: ["rerank"], finetuned: false, context_length: 4096, default_endpoints: [] },
  ],
  next_page_token: "",
};

export const cohereMockDialect: MockDialect = {
  name: "cohere",
  owns(req, url) {
    const p = url.pathname;
    if (p === "/v2/chat" || p === "/v2/embed" || p === "/v2/rerank") return true;
    // OpenAI owns GET /v1/models too: Cohere's listing is told apart by its page_size query (the adapter always sends it).
    return p === "/v1/models" && req.method === "GET" && url.searchParams.has("page_size");
  },
  handle(req, url, body, ctx) {
    const denied = checkAuth(req);
    if (denied) return denied;
    const route = `${req.method} ${url.pathname}`;
    if (route === "POST /v2/chat") return handleChat(body, ctx);
    if (route === "POST /v2/embed") return handleEmbed(body, ctx);
    if (route === "POST /v2/rerank") return handleRerank(body, ctx);
    if (route === "GET /v1/models") return { kind: "json", status: 200, body: MODELS };
    return error(404, `no route for ${route}`);
  },
  errorBody: (_status, message) => ({ id: "mock-error", message }),
  streamErrorFrame,
};

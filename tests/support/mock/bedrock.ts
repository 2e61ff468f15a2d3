/**
 * The Bedrock Runtime dialect of the mock upstream: Converse (JSON), ConverseStream (AWS eventstream),
 * InvokeModel for Titan and Cohere embeddings, and ListFoundationModels. Requests must be SigV4-signed
 * (fully verified for access key "mock-access" with secret "mock-secret") or carry a Bedrock API key.
 */
import { encodeEvent, encodeException, EVENTSTREAM_CONTENT_TYPE } from "../../../src/providers/bedrock/eventstream";
import { sha256Hex } from "../../../src/providers/bedrock/sigv4";
import { parseAuthorization, verifySignature } from "../../../src/providers/bedrock/sigv4-verify";
import { cachedTokens, countWords, embed, replyWords, type MockCtx, type MockDialect, type MockReply } from "./types";

export const MOCK_ACCESS_KEY = "mock-access";
export const MOCK_SECRET_KEY = "mock-secret";
const BAD_KEY = "bad-key";

const ROUTE = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/;
const MODELS_PATH = "/foundation-models";
const TITAN_DIMS = 1024;
const COHERE_DIMS = 1024;

const FOUNDATION_MODELS = [
  { modelId: "anthropic.claude-3-5-haiku-20241022-v1:0", modelName: "Claude 3.5 Haiku", providerName: "Anthropic", outputModalities: ["TEXT"] },
  { modelId: "amazon.nova-lite-v1:0", modelName: "Nova Lite", providerName: "Amazon", outputModalities: ["TEXT"] },
  { modelId: "amazon.titan-embed-text-v2:0", modelName: "Titan Text Embeddings V2", providerName: "Amazon", outputModalities: ["EMBEDDING"] },
  { modelId: "cohere.embed-english-v3", modelName: "Embed English", providerName: "Cohere", outputModalities: ["EMBEDDING"] },
].map((m) => ({ ...m, modelArn: `arn:aws:bedrock:us-east-1::foundation-model/${m.modelId}`, inputModalities: ["TEXT"], responseStreamingSupported: true }));

export const bedrockMockDialect: MockDialect = {
  name: "bedrock",

  owns(req, url) {
    return ROUTE.test(url.pathname) || (req.method === "GET" && url.pathname === MODELS_PATH);
  },

  handle(req, url, body, ctx) {
    const denied = authFailure(req, url, body);
    if (denied) return denied;
    if (url.pathname === MODELS_PATH) return json(200, { modelSummaries: FOUNDATION_MODELS });
    const m = ROUTE.exec(url.pathname);
    if (!m || req.method !== "POST") return error(404, "UnknownOperationException", "Unknown operation");
    const modelId = safeDecode(m[1]!);
    if (!isObject(body)) return error(400, "SerializationException", "The request body could not be parsed as JSON.");
    if (m[2] === "invoke") return invoke(modelId, body, ctx);
    return converse(body, ctx, m[2] === "converse-stream");
  },

  errorBody(_status, message) {
    return { message };
  },

  streamErrorFrame(message) {
    return encodeException("serviceUnavailableException", { message: message || "Service unavailable" });
  },
};

// ---------------------------------------------------------------- auth

/** SigV4 (any access key but bad-key; verified in full for mock-access) or a Bedrock API key as a bearer token. */
function authFailure(req: Request, url: URL, body: unknown): MockReply | null {
  const auth = req.headers.get("authorization") ?? "";
  if (auth.startsWith("AWS4-HMAC-SHA256 Credential=")) {
    const parsed = parseAuthorization(auth);
    if (!parsed) return error(403, "IncompleteSignatureException", "Authorization header requires Credential, SignedHeaders and Signature.");
    if (parsed.accessKey === BAD_KEY) return error(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
    if (parsed.accessKey === MOCK_ACCESS_KEY) {
      const headers = Object.fromEntries(req.headers);
      const payloadHash = sha256Hex(bodyText(body));
      const claimed = headers["x-amz-content-sha256"];
      if ((claimed !== undefined && claimed !== payloadHash) || !verifySignature({ method: req.method, url: url.toString(), headers, secretKey: MOCK_SECRET_KEY, payloadHash })) {
        return error(
          403,
          "SignatureDoesNotMatch",
          "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
        );
      }
    }
    return null;
  }
  if (auth.startsWith("Bearer ")) {
    const key = auth.slice(7).trim();
    return key && key !== BAD_KEY ? null : error(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
  }
  return error(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
}

/** The bytes the client signed: the mock hands dialects parsed JSON, and our clients send JSON.stringify output. */
function bodyText(body: unknown): string {
  if (body == null) return "";
  return typeof body === "string" ? body : JSON.stringify(body);
}

// ---------------------------------------------------------------- converse

interface Answer {
  text?: string[];
  tool?: { toolUseId: string; name: string; input: { query: string } };
  stopReason: string;
  usage: { inputTokens: number; outputTokens: number; totalTokens: number; cacheReadInputTokens?: number };
}

function converse(body: Record<string, any>, ctx: MockCtx, stream: boolean): MockReply {
  if (!Array.isArray(body.messages)) return error(400, "ValidationException", "1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not be null");
  const a = answer(body, ctx);
  if (!stream) {
    const content = a.tool ? [{ toolUse: a.tool }] : [{ text: a.text!.join(" ") }];
    return json(200, { output: { message: { role: "assistant", content } }, stopReason: a.stopReason, usage: a.usage, metrics: { latencyMs: 0 } });
  }
  const frames = [ev("messageStart", { role: "assistant" })];
  if (a.tool) {
    const input = JSON.stringify(a.tool.input);
    const half = Math.ceil(input.length / 2);
    frames.push(
      ev("contentBlockStart", { contentBlockIndex: 0, start: { toolUse: { toolUseId: a.tool.toolUseId, name: a.tool.name } } }),
      ev("contentBlockDelta", { contentBlockIndex: 0, delta: { toolUse: { input: input.slice(0, half) } } }),
      ev("contentBlockDelta", { contentBlockIndex: 0, delta: { toolUse: { input: input.slice(half) } } }),
    );
  } else {
    a.text!.forEach((w, i) => frames.push(ev("contentBlockDelta", { contentBlockIndex: 0, delta: { text: i ? ` ${w}` : w } })));
  }
  frames.push(ev("contentBlockStop", { contentBlockIndex: 0 }), ev("messageStop", { stopReason: a.stopReason }), ev("metadata", { usage: a.usage, metrics: { latencyMs: 0 } }));
  return { kind: "binary", frames, errorFrame: bedrockMockDialect.streamErrorFrame("Service unavailable") as Uint8Array, contentType: EVENTSTREAM_CONTENT_TYPE };
}

/** Deterministic: "mock reply to: <last user text>" in ctx.words words (fewer under maxTokens), or a tool use when asked. */
function answer(body: Record<string, any>, ctx: MockCtx): Answer {
  const userText = lastUserText(body.messages);
  const cached = cachedTokens(userText, promptWords(body));
  // Bedrock's inputTokens leave out the tokens read from the cache.
  const inputTokens = promptWords(body) - cached;
  const cache = cached ? { cacheReadInputTokens: cached } : {};
  const tools: any[] = Array.isArray(body.toolConfig?.tools) ? body.toolConfig.tools.filter((t: any) => t?.toolSpec?.name) : [];
  const choice = body.toolConfig?.toolChoice ?? {};
  if (tools.length && (choice.any || choice.tool || /tool/i.test(userText))) {
    const input = { query: userText };
    const outputTokens = countWords(JSON.stringify(input));
    const tool = { toolUseId: `tooluse_mock${ctx.nextId()}`, name: choice.tool?.name ?? tools[0].toolSpec.name, input };
    return { tool, stopReason: "tool_use", usage: { inputTokens, outputTokens, totalTokens: inputTokens + cached + outputTokens, ...cache } };
  }
  const cap = body.inferenceConfig?.maxTokens;
  const n = typeof cap === "number" && cap >= 1 && cap < ctx.words ? Math.floor(cap) : ctx.words;
  const text = replyWords(userText, n);
  return { text, stopReason: n < ctx.words ? "max_tokens" : "end_turn", usage: { inputTokens, outputTokens: n, totalTokens: inputTokens + cached + n, ...cache } };
}

/** The last user turn with text (tool-result-only turns are skipped). */
function lastUserText(messages: any[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role !== "user" || !Array.isArray(m.content)) continue;
    const text = m.content.filter((b: any) => typeof b?.text === "string").map((b: any) => b.text).join(" ").trim();
    if (text) return text;
  }
  return "";
}

/** Prompt size in words: system, message text and tool results, at least 1. */
function promptWords(body: Record<string, any>): number {
  let n = 0;
  for (const b of Array.isArray(body.system) ? body.system : []) if (typeof b?.text === "string") n += countWords(b.text);
  for (const m of body.messages) {
    for (const b of Array.isArray(m?.content) ? m.content : []) {
      if (typeof b?.text === "string") n += countWords(b.text);
      for (const c of b?.toolResult?.content ?? []) n += countWords(typeof c?.text === "string" ? c.text : JSON.stringify(c?.json ?? ""));
    }
  }
  return Math.max(1, n);
}

// ---------------------------------------------------------------- embeddings

function invoke(modelId: string, body: Record<string, any>, ctx: MockCtx): MockReply {
  if (/amazon\.titan-embed/.test(modelId)) {
    if (typeof body.inputText !== "string") return error(400, "ValidationException", "Malformed input request: required key [inputText] not found, please reformat your input and try again.");
    const dims = typeof body.dimensions === "number" ? body.dimensions : TITAN_DIMS;
    return json(200, { embedding: embed(body.inputText, dims), inputTextTokenCount: countWords(body.inputText) });
  }
  if (/cohere\.embed/.test(modelId)) {
    if (!Array.isArray(body.texts) || !body.texts.every((t: unknown) => typeof t === "string")) {
      return error(400, "ValidationException", "Malformed input request: required key [texts] not found, please reformat your input and try again.");
    }
    const texts: string[] = body.texts;
    return json(200, { id: `emb-mock-${ctx.nextId()}`, embeddings: texts.map((t) => embed(t, COHERE_DIMS)), texts, response_type: "embeddings_floats" });
  }
  return error(400, "ValidationException", `The mock serves InvokeModel for embedding models only, not ${modelId}.`);
}

// ---------------------------------------------------------------- wire helpers

function ev(type: string, payload: object): Uint8Array {
  // Bedrock pads every event payload with a "p" field; clients must ignore it.
  return encodeEvent(type, { ...payload, p: "abcdefgh" });
}

function json(status: number, body: unknown): MockReply {
  return { kind: "json", status, body };
}

/** Bedrock's REST errors: {message} in the body, the error name in x-amzn-errortype. */
function error(status: number, type: string, message: string): MockReply {
  return { kind: "json", status, body: { message }, headers: { "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` } };
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The Azure OpenAI dialect of the mock upstream: /openai/deployments/{deployment}/chat/completions|embeddings
 * (api-version required, as Azure does) and the /openai/v1/ API, answering OpenAI shapes with Azure's
 * content-filter annotations and Azure's `{error:{code,message}}` errors. The Responses API at /openai/responses
 * (api-version required) and /openai/v1/responses: no deployment in the path, the body's model names it.
 */
import { responsesReply } from "./responses";
import { cachedTokens, countWords, embed, lastUserText, replyWords, textOf, type MockCtx, type MockDialect, type MockReply } from "./types";

const DEPLOYMENT_PATH = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/;
const V1_PATH = /^\/openai\/v1\/(chat\/completions|embeddings|responses)$/;
const SAFE = {
  hate: { filtered: false, severity: "safe" },
  self_harm: { filtered: false, severity: "safe" },
  sexual: { filtered: false, severity: "safe" },
  violence: { filtered: false, severity: "safe" },
};

const isObject = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v);
const data = (obj: unknown) => `data: ${JSON.stringify(obj)}\n\n`;

function errorBody(status: number, message: string, code: string = String(status)) {
  return { error: { code, message } };
}

function error(status: number, message: string, code?: string): MockReply {
  return { kind: "json", status, body: errorBody(status, message, code) };
}

function checkAuth(req: Request): MockReply | null {
  const key = req.headers.get("api-key")?.trim() || /^Bearer\s+(.*)$/i.exec(req.headers.get("authorization") ?? "")?.[1]?.trim();
  if (!key) return error(401, "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.");
  if (key === "bad-key") {
    return error(401, "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.");
  }
  return null;
}



/** OpenAI's rule: forced by tool_choice, or "tool" in the user's text unless answering a tool result. */
function toolName(body: any, userText: string): string | null {
  const tools = Array.isArray(body.tools) ? body.tools : [];
  if (!tools.length || body.tool_choice === "none") return null;
  const choice = body.tool_choice;
  const forced = choice === "required" || isObject(choice);
  if (!forced && (body.messages.at(-1)?.role === "tool" || !/\btools?\b/i.test(userText))) return null;
  return (isObject(choice) && choice.function?.name) || tools[0]?.function?.name || "tool";
}

function completion(body: any, deployment: string, ctx: MockCtx): any {
  const userText = lastUserText(body.messages);
  const tool = toolName(body, userText);
  const cap = body.max_completion_tokens ?? body.max_tokens;
  const n = Number.isInteger(cap) && cap >= 1 ? Math.min(cap, ctx.words) : ctx.words;
  const args = JSON.stringify({ query: userText });
  const prompt = Math.max(1, body.messages.reduce((sum: number, m: any) => sum + countWords(textOf(m?.content)), 0));
  const output = tool ? Math.max(1, countWords(args)) : n;
  const message: any = { role: "assistant", content: tool ? null : replyWords(userText, n).join(" "), refusal: null };
  if (tool) message.tool_calls = [{ id: `call_mock_${ctx.nextId()}`, type: "function", function: { name: tool, arguments: args } }];
  return {
    id: `chatcmpl-azure-mock-${ctx.nextId()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: deployment,
    system_fingerprint: "fp_mock",
    prompt_filter_results: [{ prompt_index: 0, content_filter_results: SAFE }],
    choices: [{ index: 0, message, logprobs: null, finish_reason: tool ? "tool_calls" : n < ctx.words ? "length" : "stop", content_filter_results: tool ? {} : SAFE }],
    usage: { prompt_tokens: prompt, completion_tokens: output, total_tokens: prompt + output, prompt_tokens_details: { cached_tokens: cachedTokens(userText, prompt) } },
  };
}

/** Azure's SSE: a prompt-filter preamble with no choices, then OpenAI's chunks, usage when asked, [DONE]. */
function frames(c: any, includeUsage: boolean): string[] {
  const choice = c.choices[0];
  const chunk = (delta: unknown, finish_reason: string | null = null) =>
    data({ id: c.id, object: "chat.completion.chunk", created: c.created, model: c.model, system_fingerprint: c.system_fingerprint, choices: [{ index: 0, delta, logprobs: null, finish_reason, content_filter_results: {} }] });
  const out = [data({ choices: [], created: 0, id: "", model: "", object: "", prompt_filter_results: c.prompt_filter_results })];
  const call = choice.message.tool_calls?.[0];
  if (call) {
    out.push(chunk({ role: "assistant", content: null, tool_calls: [{ index: 0, id: call.id, type: "function", function: { name: call.function.name, arguments: "" } }] }));
    const args: string = call.function.arguments;
    const size = Math.ceil(args.length / 3);
    for (let i = 0; i < args.length; i += size) out.push(chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(i, i + size) } }] }));
  } else {
    out.push(chunk({ role: "assistant", content: "", refusal: null }));
    choice.message.content.split(" ").forEach((w: string, i: number) => out.push(chunk({ content: i ? ` ${w}` : w })));
  }
  out.push(chunk({}, choice.finish_reason));
  if (includeUsage) out.push(data({ id: c.id, object: "chat.completion.chunk", created: c.created, model: c.model, choices: [], usage: c.usage }));
  out.push("data: [DONE]\n\n");
  return out;
}

function streamErrorFrame(message: string): string {
  return data({ error: { code: "server_error", message } });
}

function handleChat(body: any, deployment: string, ctx: MockCtx): MockReply {
  if (!isObject(body)) return error(400, "We could not parse the JSON body of your request.", "invalid_request_error");
  if (!Array.isArray(body.messages) || !body.messages.length) return error(400, "[] is too short - 'messages'", "invalid_request_error");
  const c = completion(body, deployment, ctx);
  if (body.stream !== true) return { kind: "json", status: 200, body: c };
  return { kind: "sse", frames: frames(c, body.stream_options?.include_usage === true), errorFrame: streamErrorFrame("The server had an error while processing your request.") };
}

function handleEmbeddings(body: any, deployment: string): MockReply {
  const input = isObject(body) ? body.input : undefined;
  const inputs: unknown[] | null = typeof input === "string" ? [input] : Array.isArray(input) && input.length ? (typeof input[0] === "number" ? [input] : input) : null;
  if (!inputs) return error(400, "'input' is a required property", "invalid_request_error");
  const dims = Number.isInteger(body.dimensions) && body.dimensions > 0 ? body.dimensions : 8;
  const tokens = Math.max(1, inputs.reduce((n: number, x) => n + (typeof x === "string" ? countWords(x) : Array.isArray(x) ? x.length : 1), 0));
  const vectors = inputs.map((x, index) => {
    const v = embed(typeof x === "string" ? x : JSON.stringify(x), dims);
    return { object: "embedding", index, embedding: body.encoding_format === "base64" ? Buffer.from(new Float32Array(v).buffer).toString("base64") : v };
  });
  return { kind: "json", status: 200, body: { object: "list", data: vectors, model: deployment, usage: { prompt_tokens: tokens, total_tokens: tokens } } };
}

export const azureMockDialect: MockDialect = {
  name: "azure",
  owns: (_req, url) => url.pathname.startsWith("/openai/"),
  handle(req, url, body, ctx) {
    if (req.method === "POST" && url.pathname === "/openai/responses") {
      if (!url.searchParams.get("api-version")) return error(404, "Resource not found");
      return checkAuth(req) ?? responsesReply(body, ctx, streamErrorFrame("The server had an error while processing your request."));
    }
    const byDeployment = DEPLOYMENT_PATH.exec(url.pathname);
    const v1 = V1_PATH.exec(url.pathname);
    if (req.method !== "POST" || (!byDeployment && !v1)) return error(404, "Resource not found");
    // The dated API answers 404 without an api-version, before it even checks the key.
    if (byDeployment && !url.searchParams.get("api-version")) return error(404, "Resource not found");
    const denied = checkAuth(req);
    if (denied) return denied;
    const deployment = byDeployment ? decodeURIComponent(byDeployment[1]!) : typeof body?.model === "string" ? body.model : "";
    if (!deployment) return error(400, "you must provide a model parameter", "invalid_request_error");
    const op = byDeployment ? byDeployment[2] : v1![1];
    if (op === "responses") return responsesReply(body, ctx, streamErrorFrame("The server had an error while processing your request."));
    return op === "embeddings" ? handleEmbeddings(body, deployment) : handleChat(body, deployment, ctx);
  },
  errorBody: (status, message) => errorBody(status, message),
  streamErrorFrame,
};

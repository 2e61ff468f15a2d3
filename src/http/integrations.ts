/**
 * Drop-in prefixes: point a vendor's own SDK at the gateway. `/openai/v1/*` is the OpenAI surface again;
 * the others speak their vendor's dialect in and out, for any provider (`provider/model` in the model field).
 */
import { Elysia } from "elysia";
import type { Bifrost } from "../core/bifrost";
import { anthropicDialect } from "../dialects/anthropic";
import { anthropicCountTokens } from "../dialects/anthropic/count-tokens";
import { toAnthropicModelPage } from "../dialects/anthropic/models";
import { bedrockDialect as converse } from "../dialects/bedrock";
import { bedrockErrorType } from "../dialects/bedrock/errors";
import type { IngressDialect } from "../dialects/types";
import { cohereDialect } from "../dialects/cohere";
import { genaiDialect, modelFromPath } from "../dialects/genai";
import { genaiCountTokens } from "../dialects/genai/count-tokens";
import { genaiBatchEmbedContents, genaiEmbedContent } from "../dialects/genai/embeddings";
import { responsesInputTokens } from "../dialects/responses/input-tokens";
import type { UnaryIngress } from "../dialects/unary";
import { BifrostError } from "../schemas/error";
import { serveDialect } from "./dialect";
import { serveUnaryIngress } from "./dialect-unary";
import { serveResponses } from "./responses";
import { jsonResponse } from "./respond";
import type { Route, RouteRequest } from "./route";

/** A GenAI model method served elsewhere (batchGenerateContent: src/batches/routes-genai.ts), by name. */
export type GenaiModelMethods = ReadonlyMap<string, (r: RouteRequest, model: string) => Promise<Response>>;

/** The AWS SDKs pick the exception class from the x-amzn-errortype header. */
const bedrockDialect: IngressDialect = {
  ...converse,
  errorBody(e) {
    const out = converse.errorBody(e);
    return { ...out, headers: { "x-amzn-errortype": bedrockErrorType(out.status) } };
  },
};

export function integrationRoutes(bf: Bifrost, route: Route, maxBody: number, genaiMethods?: GenaiModelMethods) {
  const dialect = (d: IngressDialect) => route((r) => serveDialect(bf, d, maxBody, r, {}));
  const unary = (u: UnaryIngress) => route((r) => serveUnaryIngress(bf, u, maxBody, r, {}));
  const responses = route((r) => serveResponses(bf, maxBody, r));
  return new Elysia({ name: "integrations" })
    .post("/v1/responses", responses, NO_PARSE)
    .post("/openai/v1/responses", responses, NO_PARSE)
    .post("/openai/responses", responses, NO_PARSE)
    .post("/v1/responses/input_tokens", unary(responsesInputTokens), NO_PARSE)
    .post("/openai/v1/responses/input_tokens", unary(responsesInputTokens), NO_PARSE)
    .post("/openai/responses/input_tokens", unary(responsesInputTokens), NO_PARSE)
    .post("/anthropic/v1/messages", dialect(anthropicDialect), NO_PARSE)
    .post("/anthropic/v1/messages/count_tokens", unary(anthropicCountTokens), NO_PARSE)
    .get(
      "/anthropic/v1/models",
      route(async (r) => jsonResponse(JSON.stringify(toAnthropicModelPage(await bf.listModels({ signal: r.request.signal, headers: r.request.headers }))), 200, r.headers)),
    )
    // model/{modelId}/converse — the AWS SDK percent-encodes the id ("openai%2Fgpt-4o-mini").
    .post(
      "/bedrock/model/*",
      route(async (r) => {
        const rest = r.params["*"] ?? "";
        const m = /^(.+)\/(converse|converse-stream)$/.exec(rest);
        if (!m) return notFound(bedrockDialect, `unsupported operation: model/${rest}`, r.headers);
        return serveDialect(bf, bedrockDialect, maxBody, r, { model: safeDecode(m[1]!), stream: m[2] === "converse-stream" });
      }),
      NO_PARSE,
    )
    .post("/cohere/v2/chat", dialect(cohereDialect), NO_PARSE)
    // {v1|v1beta}/models/{model}:generateContent — the model may hold a slash ("openai/gpt-4o-mini"), so match the rest.
    .post(
      "/genai/:version/models/*",
      route(async (r) => {
        const rest = r.params["*"] ?? "";
        const colon = rest.lastIndexOf(":");
        const method = colon === -1 ? "" : rest.slice(colon + 1);
        const served = genaiMethods?.get(method);
        if (served) return served(r, rest.slice(0, colon));
        const unaryMethod = GENAI_UNARY.get(method);
        if (unaryMethod) return serveUnaryIngress(bf, unaryMethod, maxBody, r, { model: rest.slice(0, colon) });
        if (method !== "generateContent" && method !== "streamGenerateContent") return notFound(genaiDialect, `unsupported method: models/${rest}`, r.headers);
        return serveDialect(bf, genaiDialect, maxBody, r, { model: modelFromPath(rest.slice(0, colon)), stream: method === "streamGenerateContent" });
      }),
      NO_PARSE,
    );
}

const NO_PARSE = { parse: "none" } as const;

/** GenAI model methods with one answer besides generateContent; the model stays raw (the dialect reads it, errors in Google's shape). */
const GENAI_UNARY = new Map<string, UnaryIngress>([
  ["countTokens", genaiCountTokens],
  ["embedContent", genaiEmbedContent],
  ["batchEmbedContents", genaiBatchEmbedContents],
]);

function notFound(d: IngressDialect, message: string, headers: Record<string, string>): Response {
  const { status, body, headers: extra } = d.errorBody(new BifrostError({ status: 404, type: "not_found_error", message }));
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers, ...extra } });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

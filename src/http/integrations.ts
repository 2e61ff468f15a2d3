/**
 * Drop-in prefixes: point a vendor's own SDK at the gateway. `/openai/v1/*` is the OpenAI surface again;
 * the others speak their vendor's dialect in and out, for any provider (`provider/model` in the model field).
 */
import { Elysia } from "elysia";
import type { Bifrost } from "../core/bifrost";
import { anthropicDialect } from "../dialects/anthropic";
import { bedrockDialect as converse } from "../dialects/bedrock";
import { bedrockErrorType } from "../dialects/bedrock/errors";
import type { IngressDialect } from "../dialects/types";
import { cohereDialect } from "../dialects/cohere";
import { genaiDialect, modelFromPath } from "../dialects/genai";
import { responsesDialect } from "../dialects/responses";
import { BifrostError } from "../schemas/error";
import { serveDialect } from "./dialect";

/** The AWS SDKs pick the exception class from the x-amzn-errortype header. */
const bedrockDialect: IngressDialect = {
  ...converse,
  errorBody(e) {
    const out = converse.errorBody(e);
    return { ...out, headers: { "x-amzn-errortype": bedrockErrorType(out.status) } };
  },
};

export function integrationRoutes(bf: Bifrost, maxBody: number) {
  return new Elysia({ name: "integrations" })
    .post("/v1/responses", ({ request, server }) => serveDialect(bf, responsesDialect, maxBody, { request, server, params: {} }), { parse: "none" })
    .post("/openai/v1/responses", ({ request, server }) => serveDialect(bf, responsesDialect, maxBody, { request, server, params: {} }), { parse: "none" })
    .post("/anthropic/v1/messages", ({ request, server }) => serveDialect(bf, anthropicDialect, maxBody, { request, server, params: {} }), { parse: "none" })
    // model/{modelId}/converse — the AWS SDK percent-encodes the id ("openai%2Fgpt-4o-mini").
    .post("/bedrock/model/*", ({ request, server, params }) => {
      const rest = params["*"];
      const m = /^(.+)\/(converse|converse-stream)$/.exec(rest);
      if (!m) return bedrockNotFound(rest);
      return serveDialect(bf, bedrockDialect, maxBody, { request, server, params: { model: safeDecode(m[1]!), stream: m[2] === "converse-stream" } });
    }, { parse: "none" })
    .post("/cohere/v2/chat", ({ request, server }) => serveDialect(bf, cohereDialect, maxBody, { request, server, params: {} }), { parse: "none" })
    // {v1|v1beta}/models/{model}:generateContent — the model may hold a slash ("openai/gpt-4o-mini"), so match the rest.
    .post("/genai/:version/models/*", ({ request, server, params }) => {
      const rest = params["*"];
      const colon = rest.lastIndexOf(":");
      const method = colon === -1 ? "" : rest.slice(colon + 1);
      if (method !== "generateContent" && method !== "streamGenerateContent") return genaiNotFound(rest);
      return serveDialect(bf, genaiDialect, maxBody, { request, server, params: { model: modelFromPath(rest.slice(0, colon)), stream: method === "streamGenerateContent" } });
    }, { parse: "none" });
}

function genaiNotFound(path: string): Response {
  const { status, body } = genaiDialect.errorBody(new BifrostError({ status: 404, type: "not_found_error", message: `unsupported method: models/${path}` }));
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function bedrockNotFound(path: string): Response {
  const { status, body } = bedrockDialect.errorBody(new BifrostError({ status: 404, type: "not_found_error", message: `unsupported operation: model/${path}` }));
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

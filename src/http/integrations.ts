/**
 * Drop-in prefixes: point a vendor's own SDK at the gateway. `/openai/v1/*` is the OpenAI surface again;
 * the others speak their vendor's dialect in and out, for any provider (`provider/model` in the model field).
 */
import { Elysia } from "elysia";
import type { Bifrost } from "../core/bifrost";
import { anthropicDialect } from "../dialects/anthropic";
import { cohereDialect } from "../dialects/cohere";
import { genaiDialect, modelFromPath } from "../dialects/genai";
import { responsesDialect } from "../dialects/responses";
import { BifrostError } from "../schemas/error";
import { serveDialect } from "./dialect";

export function integrationRoutes(bf: Bifrost, maxBody: number) {
  return new Elysia({ name: "integrations" })
    .post("/v1/responses", ({ request, server }) => serveDialect(bf, responsesDialect, maxBody, { request, server, params: {} }), { parse: "none" })
    .post("/openai/v1/responses", ({ request, server }) => serveDialect(bf, responsesDialect, maxBody, { request, server, params: {} }), { parse: "none" })
    .post("/anthropic/v1/messages", ({ request, server }) => serveDialect(bf, anthropicDialect, maxBody, { request, server, params: {} }), { parse: "none" })
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

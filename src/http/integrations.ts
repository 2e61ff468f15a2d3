/**
 * Drop-in prefixes: point a vendor's own SDK at the gateway. `/openai/v1/*` is the OpenAI surface again;
 * the others speak their vendor's dialect in and out, for any provider (`provider/model` in the model field).
 */
import { Elysia } from "elysia";
import type { Bifrost } from "../core/bifrost";
import { anthropicDialect } from "../dialects/anthropic";
import { responsesDialect } from "../dialects/responses";
import { serveDialect } from "./dialect";

export function integrationRoutes(bf: Bifrost, maxBody: number) {
  return new Elysia({ name: "integrations" })
    .post("/v1/responses", ({ request, server }) => serveDialect(bf, responsesDialect, maxBody, { request, server, params: {} }), { parse: "none" })
    .post("/openai/v1/responses", ({ request, server }) => serveDialect(bf, responsesDialect, maxBody, { request, server, params: {} }), { parse: "none" })
    .post("/anthropic/v1/messages", ({ request, server }) => serveDialect(bf, anthropicDialect, maxBody, { request, server, params: {} }), { parse: "none" });
}

/** OpenAI-compatible inference routes: a thin layer over the Bifrost object. */
import { Elysia } from "elysia";
import type { Bifrost, RequestOptions } from "../core/bifrost";
import { readJsonBody } from "./body";
import { errorResponse, jsonResponse, sseResponse } from "./respond";

/** Bun cuts a connection silent for its idle timeout; a slow model or a paused stream must not die of it. */
function lift(server: { timeout?(req: Request, s: number): void } | null, request: Request) {
  server?.timeout?.(request, 0);
}

function options(request: Request, raw: ArrayBuffer): RequestOptions {
  return { signal: request.signal, keyName: request.headers.get("x-bf-api-key-id"), rawBody: raw };
}

const retriesHeader = (n: number) => ({ "x-bf-retries": String(n) });

/** The OpenAI surface, at /v1 and again at /openai/v1 (for SDKs given baseURL …/openai/v1). */
export function inferenceRoutes(bf: Bifrost, maxBodyBytes: number) {
  return new Elysia({ name: "inference" }).use(openAIRoutes(bf, maxBodyBytes, "/v1")).use(openAIRoutes(bf, maxBodyBytes, "/openai/v1"));
}

function openAIRoutes(bf: Bifrost, maxBodyBytes: number, prefix: string) {
  return new Elysia({ name: `inference${prefix}`, prefix })
    .post(
      "/chat/completions",
      async ({ request, server }) => {
        try {
          const { value, raw } = await readJsonBody(request, maxBodyBytes);
          lift(server, request);
          if ((value as any)?.stream === true) {
            const src = await bf.openChatStream(value, options(request, raw));
            return sseResponse(src, retriesHeader(src.retries));
          }
          const r = await bf.chatRaw(value, options(request, raw));
          return jsonResponse(r.json, 200, retriesHeader(r.retries));
        } catch (err) {
          return errorResponse(err);
        }
      },
      { parse: "none" },
    )
    .post(
      "/embeddings",
      async ({ request, server }) => {
        try {
          const { value, raw } = await readJsonBody(request, maxBodyBytes);
          lift(server, request);
          const r = await bf.embeddingsRaw(value, options(request, raw));
          return jsonResponse(r.json, 200, retriesHeader(r.retries));
        } catch (err) {
          return errorResponse(err);
        }
      },
      { parse: "none" },
    )
    .get("/models", async ({ request }) => {
      try {
        return jsonResponse(JSON.stringify(await bf.listModels({ signal: request.signal })));
      } catch (err) {
        return errorResponse(err);
      }
    });
}

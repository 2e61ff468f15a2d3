/** OpenAI-compatible inference routes: a thin layer over the Bifrost object. */
import { Elysia } from "elysia";
import type { Bifrost, RequestOptions } from "../core/bifrost";
import { completionsDialect } from "../dialects/completions";
import { BifrostError } from "../schemas/error";
import { readJsonBody, tooLarge } from "./body";
import { serveDialect } from "./dialect";
import { requestIdOf } from "./request-id";
import { errorResponse, jsonResponse, sseResponse } from "./respond";

/** Bun cuts a connection silent for its idle timeout; a slow model or a paused stream must not die of it. */
function lift(server: { timeout?(req: Request, s: number): void } | null, request: Request) {
  server?.timeout?.(request, 0);
}

function options(request: Request, raw: ArrayBuffer): RequestOptions {
  return { signal: request.signal, keyName: request.headers.get("x-bf-api-key-id"), rawBody: raw, headers: request.headers, requestId: requestIdOf(request) };
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
    .post(
      "/completions",
      async ({ request, server }) => {
        try {
          const { value, raw } = await readJsonBody(request, maxBodyBytes);
          // Self-hosted servers answer legacy completions themselves (the raw prompt); the rest go through chat.
          if (!bf.servesTextCompletions((value as { model?: unknown })?.model)) {
            return serveDialect(bf, completionsDialect, maxBodyBytes, { request, server, params: {}, parsed: value });
          }
          lift(server, request);
          if ((value as { stream?: unknown }).stream === true) {
            const src = await bf.openTextCompletionStream(value, options(request, raw));
            return sseResponse(src, retriesHeader(src.retries));
          }
          const r = await bf.textCompletionRaw(value, options(request, raw));
          return jsonResponse(r.json, 200, retriesHeader(r.retries));
        } catch (err) {
          return errorResponse(err);
        }
      },
      { parse: "none" },
    )
    .post("/rerank", jsonRoute(bf, maxBodyBytes, (v, o) => bf.rerankRaw(v, o)), { parse: "none" })
    .post("/images/generations", jsonRoute(bf, maxBodyBytes, (v, o) => bf.imageGenerationRaw(v, o)), { parse: "none" })
    .post(
      "/audio/speech",
      async ({ request, server }) => {
        try {
          const { value, raw } = await readJsonBody(request, maxBodyBytes);
          lift(server, request);
          const r = await bf.speechRaw(value, options(request, raw));
          return new Response(r.bytes!.body, { headers: { "content-type": r.bytes!.contentType, ...retriesHeader(r.retries) } });
        } catch (err) {
          return errorResponse(err);
        }
      },
      { parse: "none" },
    )
    .post(
      "/audio/transcriptions",
      async ({ request, server }) => {
        try {
          const body = await readTranscription(request, maxBodyBytes);
          lift(server, request);
          const r = await bf.transcriptionRaw(body, { signal: request.signal, keyName: request.headers.get("x-bf-api-key-id"), headers: request.headers, requestId: requestIdOf(request) });
          if (body.response_format === "text") return new Response(JSON.parse(r.json).text, { headers: { "content-type": "text/plain; charset=utf-8" } });
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

/** A JSON-in, JSON-out route over one of the gateway's raw methods. */
function jsonRoute(bf: Bifrost, maxBodyBytes: number, call: (value: unknown, o: RequestOptions) => Promise<{ json: string; retries: number }>) {
  return async ({ request, server }: { request: Request; server: { timeout?(req: Request, s: number): void } | null }) => {
    try {
      const { value, raw } = await readJsonBody(request, maxBodyBytes);
      lift(server, request);
      const r = await call(value, options(request, raw));
      return jsonResponse(r.json, 200, retriesHeader(r.retries));
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** multipart/form-data (file + fields) → the canonical transcription request, the file base64-encoded. */
async function readTranscription(request: Request, maxBytes: number): Promise<Record<string, unknown> & { response_format?: string }> {
  if (Number(request.headers.get("content-length")) > maxBytes) throw tooLarge(maxBytes);
  if (!(request.headers.get("content-type") ?? "").includes("multipart/form-data")) {
    throw BifrostError.badRequest("expected a multipart/form-data body with a file field", "file", "invalid_content_type");
  }
  let form: Awaited<ReturnType<Request["formData"]>>;
  try {
    form = await request.formData();
  } catch {
    throw BifrostError.badRequest("could not read the multipart body", "file", "invalid_multipart");
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of form.entries() as Iterable<[string, string | Blob]>) {
    if (k === "file") {
      if (typeof v === "string") throw BifrostError.badRequest("file: expected a file upload", "file");
      const bytes = Buffer.from(await v.arrayBuffer());
      out.file = { name: (v as File).name || "audio", type: v.type || "application/octet-stream", base64: bytes.toString("base64") };
    } else if (k === "temperature") out[k] = Number(v);
    else out[k] = v;
  }
  if (!out.file) throw BifrostError.badRequest("file: required", "file");
  return out;
}

/** OpenAI-compatible inference routes, at /v1, /openai/v1 and /openai, and the Azure OpenAI SDK's deployment paths: each a few lines over the gateway. */
import { Elysia } from "elysia";
import type { Bifrost } from "../core/bifrost";
import { completionsDialect } from "../dialects/completions";
import { BifrostError } from "../schemas/error";
import type { UnaryOp } from "../schemas/ops";
import { bodyBudget, readBodyBytes, readJsonBody } from "./body";
import { azureSdkRoutes } from "./azure-sdk";
import { serveDialect } from "./dialect";
import { costHeader, jsonResponse, sseResponse } from "./respond";
import { asksForUsage, withoutUsage } from "./stream-usage";
import type { Route, RouteRequest } from "./route";

/** The answer's headers (its own object, per request) with x-bf-retries. */
const retries = (n: number, headers: Record<string, string>) => ((headers["x-bf-retries"] = String(n)), headers);
const NO_PARSE = { parse: "none" } as const;

/** Go Bifrost's OpenAI base URL is `/openai` (the SDK then sends `/openai/chat/completions`); `/v1` and `/openai/v1` serve the same routes. */
const OPENAI_PREFIXES = ["/v1", "/openai/v1", "/openai"] as const;

export function inferenceRoutes(bf: Bifrost, route: Route, maxBodyBytes: number) {
  const ops = openAIOperations(bf, maxBodyBytes);
  const app = new Elysia({ name: "inference" }).use(azureSdkRoutes(bf, route, ops, maxBodyBytes));
  for (const prefix of OPENAI_PREFIXES) app.use(openAIRoutes(bf, route, ops, maxBodyBytes, prefix));
  return app;
}

/** An OpenAI operation over a parsed JSON body; `raw` is the client's bytes, left out when the body was rewritten. */
export type OpenAIOperation = (r: RouteRequest, value: unknown, raw?: ArrayBuffer) => Promise<Response>;

/** The JSON-bodied OpenAI operations, written once: every prefix's routes and the Azure SDK's deployment paths call them. */
export function openAIOperations(bf: Bifrost, maxBodyBytes: number) {
  /** JSON in, the canonical answer's JSON out. */
  const unary =
    (op: UnaryOp): OpenAIOperation =>
    async (r, value, raw) => {
      r.holdOpen();
      const { answer, retries: n } = await bf.request(op, value, r.options(raw));
      return jsonResponse(answer.json(), 200, costHeader(answer, retries(n, r.headers)));
    };

  /** `stream: true` in the body picks the stream op. */
  const streamable =
    (op: "chat" | "textCompletion", streamOp: "chatStream" | "textCompletionStream"): OpenAIOperation =>
    async (r, value, raw) => {
      r.holdOpen();
      if ((value as { stream?: unknown } | null)?.stream === true) {
        const { chunks, retries: n } = await bf.stream(streamOp, value, r.options(raw));
        return sseResponse(asksForUsage(value) ? chunks : withoutUsage(chunks), retries(n, r.headers));
      }
      const { answer, retries: n } = await bf.request(op, value, r.options(raw));
      return jsonResponse(answer.json(), 200, costHeader(answer, retries(n, r.headers)));
    };
  const textCompletion = streamable("textCompletion", "textCompletionStream");

  return {
    chat: streamable("chat", "chatStream"),
    // Self-hosted servers answer legacy completions themselves (the raw prompt); the rest go through chat.
    completions: (async (r, value, raw) =>
      bf.servesTextCompletions((value as { model?: unknown } | null)?.model) ? textCompletion(r, value, raw) : serveDialect(bf, completionsDialect, maxBodyBytes, r, {}, value)) as OpenAIOperation,
    embeddings: unary("embeddings"),
    rerank: unary("rerank"),
    imageGeneration: unary("imageGeneration"),
    speech: (async (r, value, raw) => {
      r.holdOpen();
      const { answer, retries: n } = await bf.request("speech", value, r.options(raw));
      return new Response(answer.bytes!.body, { headers: { ...retries(n, r.headers), "content-type": answer.bytes!.contentType } });
    }) as OpenAIOperation,
  };
}
export type OpenAIOperations = ReturnType<typeof openAIOperations>;

function openAIRoutes(bf: Bifrost, route: Route, ops: OpenAIOperations, maxBodyBytes: number, prefix: string) {
  /** The route for an operation: the body read and parsed, then the operation. */
  const json = (op: OpenAIOperation) =>
    route(async (r) => {
      const { value, raw } = await readJsonBody(r.request, maxBodyBytes);
      return op(r, value, raw);
    });

  return new Elysia({ name: `inference${prefix}`, prefix })
    .post("/chat/completions", json(ops.chat), NO_PARSE)
    .post("/completions", json(ops.completions), NO_PARSE)
    .post("/embeddings", json(ops.embeddings), NO_PARSE)
    .post("/rerank", json(ops.rerank), NO_PARSE)
    .post("/images/generations", json(ops.imageGeneration), NO_PARSE)
    .post("/audio/speech", json(ops.speech), NO_PARSE)
    .post(
      "/audio/transcriptions",
      route(async (r) => {
        const body = await readTranscription(r.request, maxBodyBytes);
        r.holdOpen();
        const { answer, retries: n } = await bf.request("transcription", body, r.options());
        if (body.response_format === "text") return new Response(answer.value.text, { headers: { ...r.headers, "content-type": "text/plain; charset=utf-8" } });
        return jsonResponse(answer.json(), 200, costHeader(answer, retries(n, r.headers)));
      }),
      NO_PARSE,
    )
    .get(
      "/models",
      route(async (r) => jsonResponse(JSON.stringify(await bf.listModels({ signal: r.request.signal, headers: r.request.headers })), 200, r.headers)),
    );
}

/** multipart/form-data (file + fields) → the canonical transcription request, the file base64-encoded. */
async function readTranscription(request: Request, maxBytes: number): Promise<Record<string, unknown> & { response_format?: string }> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.includes("multipart/form-data")) {
    throw BifrostError.badRequest("expected a multipart/form-data body with a file field", "file", "invalid_content_type");
  }
  const { raw, held } = await readBodyBytes(request, maxBytes);
  let form: Awaited<ReturnType<Request["formData"]>>;
  try {
    form = await new Response(raw, { headers: { "content-type": type } }).formData();
  } catch {
    throw BifrostError.badRequest("could not read the multipart body", "file", "invalid_multipart");
  } finally {
    bodyBudget.give(held);
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

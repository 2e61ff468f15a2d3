/**
 * POST /v1/responses (and under /openai). A request with OpenAI's built-in tools (web_search, file_search,
 * code_interpreter, …) goes as it is to a provider that serves the Responses API natively (op "responses" /
 * "responsesStream": plugins, keys, retries, queue, circuits and fallbacks as for any request), and its Response
 * object or event stream comes back as the provider sent it. Every other request goes through chat completions
 * (src/dialects/responses) on any provider; built-in tools to a provider without a native Responses API are a 400.
 */
import type { Bifrost } from "../core/bifrost";
import type { ChunkStream } from "../core/provider-call";
import type { StreamEncoder } from "../dialects/types";
import { responsesDialect } from "../dialects/responses";
import type { ResponsesEvent } from "../providers/types";
import { BifrostError } from "../schemas/error";
import { readJsonBody } from "./body";
import { serveDialect } from "./dialect";
import { costHeader, framedBody, withErrorHeaders } from "./respond";
import type { RouteRequest } from "./route";

export async function serveResponses(bf: Bifrost, maxBodyBytes: number, r: RouteRequest): Promise<Response> {
  try {
    const body = (await readJsonBody(r.request, maxBodyBytes)).value as any;
    const builtIn = builtInTool(body);
    if (!builtIn) return serveDialect(bf, responsesDialect, maxBodyBytes, r, {}, body);
    const provider = bf.routedProvider(body.model);
    // An unknown model: the translation path answers with its routing error.
    if (!provider) return serveDialect(bf, responsesDialect, maxBodyBytes, r, {}, body);
    if (!provider.serves("responses")) {
      throw BifrostError.badRequest(
        `tools[${builtIn.index}].type: provider ${provider.name} cannot run the built-in tool "${builtIn.type}": OpenAI's built-in tools run only on providers that serve the Responses API natively (openai, azure); to ${provider.name}, /v1/responses goes through chat completions, which takes function tools only`,
        `tools[${builtIn.index}].type`,
        "unsupported_tool",
      );
    }
    r.holdOpen();
    if (body.stream !== true) {
      const { answer, retries } = await bf.request("responses", body, r.options());
      return new Response(answer.json(), { status: 200, headers: costHeader(answer, { ...r.headers, "content-type": "application/json", "x-bf-retries": String(retries) }) });
    }
    const { chunks, retries } = await bf.stream("responsesStream", body, r.options());
    return new Response(framedBody(chunks as unknown as ChunkStream<ResponsesEvent>, passThrough), {
      status: 200,
      headers: { ...r.headers, "content-type": passThrough.contentType, "cache-control": "no-cache", "x-bf-retries": String(retries) },
    });
  } catch (err) {
    const e = BifrostError.from(err);
    const { status, body } = responsesDialect.errorBody(e);
    return new Response(JSON.stringify(body), { status, headers: { ...withErrorHeaders(e, r.headers), "content-type": "application/json", ...(status === 413 ? { connection: "close" } : {}) } });
  }
}

/** The first tool that is not a function tool (web_search, file_search, code_interpreter, mcp, …), if any. */
export function builtInTool(body: any): { index: number; type: string } | null {
  const tools = body && typeof body === "object" ? body.tools : null;
  if (!Array.isArray(tools)) return null;
  const index = tools.findIndex((t: any) => t && typeof t === "object" && typeof t.type === "string" && t.type !== "function");
  return index === -1 ? null : { index, type: tools[index].type };
}

/** The upstream's events as SSE, unchanged; a failure after the stream started is the Responses API's `error` event. */
const passThrough: StreamEncoder<ResponsesEvent> = {
  contentType: "text/event-stream; charset=utf-8",
  chunk: (ev) => [`event: ${ev.type}\ndata: ${JSON.stringify(ev)}\n\n`],
  end: () => [],
  error: (e) => [`event: error\ndata: ${JSON.stringify({ type: "error", code: e.code ?? e.type, message: e.message, param: e.param })}\n\n`],
};

/** Serving one ingress dialect: its request → canonical → the gateway → its response, JSON or stream. */
import type { Bifrost } from "../core/bifrost";
import type { IngressDialect, IngressParams } from "../dialects/types";
import { BifrostError } from "../schemas/error";
import { readJsonBody } from "./body";
import { costHeader, framedBody, withErrorHeaders } from "./respond";
import type { RouteRequest } from "./route";

export async function serveDialect(bf: Bifrost, dialect: IngressDialect, maxBodyBytes: number, r: RouteRequest, params: IngressParams, parsed?: unknown): Promise<Response> {
  try {
    const value = parsed !== undefined ? parsed : (await readJsonBody(r.request, maxBodyBytes)).value;
    // Dialects that echo the request (Responses) read it from here.
    const p = { ...params, request: value } as IngressParams;
    const canonical = dialect.toChatRequest(value, p);
    r.holdOpen();
    if (canonical.stream !== true) {
      const { answer, retries } = await bf.request("chat", canonical, r.options());
      return json(dialect.fromChatResponse(answer.value, p), 200, costHeader(answer, { ...r.headers, "x-bf-retries": String(retries) }));
    }
    const { chunks, retries } = await bf.stream("chatStream", canonical, r.options());
    const enc = dialect.streamEncoder(p);
    return new Response(framedBody(chunks, enc), {
      status: 200,
      headers: { ...r.headers, "content-type": enc.contentType, "cache-control": "no-cache", "x-bf-retries": String(retries) },
    });
  } catch (err) {
    const e = BifrostError.from(err);
    const { status, body, headers } = dialect.errorBody(e);
    // A 413 leaves the body unread; closing the connection keeps it from holding a graceful stop open.
    return json(body, status, { ...withErrorHeaders(e, r.headers), ...headers, ...(status === 413 ? { connection: "close" } : {}) });
  }
}

function json(body: unknown, status: number, headers: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

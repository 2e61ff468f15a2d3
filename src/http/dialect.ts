/** Serving one ingress dialect: its request → canonical → the gateway → its response, JSON or stream. */
import type { Bifrost } from "../core/bifrost";
import type { ChunkStream } from "../core/provider-call";
import type { Frame, IngressDialect, IngressParams, StreamEncoder } from "../dialects/types";
import { BifrostError } from "../schemas/error";
import { readJsonBody } from "./body";
import type { RouteRequest } from "./route";

const encoder = new TextEncoder();
const toBytes = (f: Frame) => (typeof f === "string" ? encoder.encode(f) : f);

export async function serveDialect(bf: Bifrost, dialect: IngressDialect, maxBodyBytes: number, r: RouteRequest, params: IngressParams, parsed?: unknown): Promise<Response> {
  try {
    const value = parsed !== undefined ? parsed : (await readJsonBody(r.request, maxBodyBytes)).value;
    // Dialects that echo the request (Responses) read it from here.
    const p = { ...params, request: value } as IngressParams;
    const canonical = dialect.toChatRequest(value, p);
    r.holdOpen();
    if (canonical.stream !== true) {
      const { answer, retries } = await bf.request("chat", canonical, r.options());
      return json(dialect.fromChatResponse(answer.value, p), 200, { ...r.headers, "x-bf-retries": String(retries) });
    }
    const { chunks, retries } = await bf.stream("chatStream", canonical, r.options());
    const enc = dialect.streamEncoder(p);
    return new Response(framed(chunks, enc), {
      status: 200,
      headers: { ...r.headers, "content-type": enc.contentType, "cache-control": "no-cache", "x-bf-retries": String(retries) },
    });
  } catch (err) {
    const { status, body, headers } = dialect.errorBody(BifrostError.from(err));
    // A 413 leaves the body unread; closing the connection keeps it from holding a graceful stop open.
    return json(body, status, { ...r.headers, ...headers, ...(status === 413 ? { connection: "close" } : {}) });
  }
}

function json(body: unknown, status: number, headers: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

/** Canonical chunks → the dialect's frames; a mid-stream failure becomes the dialect's error frames. */
function framed(src: ChunkStream, enc: StreamEncoder): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      try {
        for (;;) {
          const batch = await src.next();
          if (batch === null) {
            for (const f of enc.end()) ctrl.enqueue(toBytes(f));
            ctrl.close();
            return;
          }
          let sent = false;
          for (const chunk of batch) {
            for (const f of enc.chunk(chunk)) {
              ctrl.enqueue(toBytes(f));
              sent = true;
            }
          }
          if (sent) return;
        }
      } catch (err) {
        for (const f of enc.error(BifrostError.from(err))) ctrl.enqueue(toBytes(f));
        ctrl.close();
      }
    },
    cancel() {
      src.cancel();
    },
  });
}

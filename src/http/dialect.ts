/** Serving one ingress dialect: its request → canonical → the gateway → its response, JSON or stream. */
import type { Bifrost, ChunkSource } from "../core/bifrost";
import type { Frame, IngressDialect, IngressParams, StreamEncoder } from "../dialects/types";
import { BifrostError } from "../schemas/error";
import { readJsonBody } from "./body";
import { requestIdOf } from "./request-id";

const encoder = new TextEncoder();
const toBytes = (f: Frame) => (typeof f === "string" ? encoder.encode(f) : f);

export interface DialectRequest {
  request: Request;
  server: { timeout?(req: Request, s: number): void } | null;
  params: IngressParams;
  /** The body, when the route already read it. */
  parsed?: unknown;
}

export async function serveDialect(bf: Bifrost, dialect: IngressDialect, maxBodyBytes: number, { request, server, params, parsed }: DialectRequest): Promise<Response> {
  try {
    const value = parsed !== undefined ? parsed : (await readJsonBody(request, maxBodyBytes)).value;
    // Dialects that echo the request (Responses) read it from here.
    const p = { ...params, request: value } as IngressParams;
    const canonical = dialect.toChatRequest(value, p);
    server?.timeout?.(request, 0);
    const opts = { signal: request.signal, keyName: request.headers.get("x-bf-api-key-id"), headers: request.headers, requestId: requestIdOf(request) };
    if (canonical.stream !== true) {
      const r = await bf.chatRaw(canonical, opts);
      return json(dialect.fromChatResponse(JSON.parse(r.json), p), 200, { "x-bf-retries": String(r.retries) });
    }
    const src = await bf.openChatStream(canonical, opts);
    const enc = dialect.streamEncoder(p);
    return new Response(framed(src, enc), {
      status: 200,
      headers: { "content-type": enc.contentType, "cache-control": "no-cache", "x-bf-retries": String(src.retries) },
    });
  } catch (err) {
    const { status, body, headers } = dialect.errorBody(BifrostError.from(err));
    // A 413 leaves the body unread; closing the connection keeps it from holding a graceful stop open.
    return json(body, status, status === 413 ? { ...headers, connection: "close" } : headers);
  }
}

function json(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

/** Canonical chunk batches → the dialect's frames; a mid-stream failure becomes the dialect's error frames. */
function framed(src: ChunkSource, enc: StreamEncoder): ReadableStream<Uint8Array> {
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
          for (const line of batch.split("\n")) {
            for (const f of enc.chunk(JSON.parse(line))) {
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

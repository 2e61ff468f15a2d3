/**
 * The one route helper: every inference and integration route is `route(serve)` (from `routeMaker`). It gives
 * the answer's own headers (x-request-id, CORS) up front, runs the plugins' HTTP hooks when any are
 * loaded (not for GET /health, which no plugin may answer or break), and turns anything thrown into
 * the gateway's JSON error.
 */
import { presentedCredentials, refusalHeaders, type AuthGuard } from "../auth/guard";
import type { Bifrost, RequestOptions } from "../core/bifrost";
import type { CorsPolicy } from "./cors";
import { httpEnded } from "./observe";
import { requestIdOf } from "./request-id";
import { errorResponse } from "./respond";

type Server = { timeout?(req: Request, seconds: number): void; requestIP?(req: Request): { address: string } | null } | null;

/** The client's address for per-address back-off ("unknown" when the request did not come through a socket). */
export function addressOf(server: Server, request: Request): string {
  return server?.requestIP?.(request)?.address ?? "unknown";
}

export interface RouteRequest {
  request: Request;
  /** Path parameters (a wildcard's part under "*"). */
  params: Record<string, string | undefined>;
  /** Headers every answer carries: x-request-id and, for an allowed origin, CORS. */
  headers: Record<string, string>;
  /** The gateway's options for this request; `raw` is the body's bytes as the client sent them. */
  options(raw?: ArrayBuffer): RequestOptions;
  /** Bun cuts a connection silent for its idle timeout: a slow model or a paused stream must not die of it. */
  holdOpen(): void;
}

export function answerHeaders(request: Request, cors: CorsPolicy): Record<string, string> {
  const id = requestIdOf(request);
  const c = cors.headersFor(request.headers.get("origin"));
  return c ? { ...c, "x-request-id": id } : { "x-request-id": id };
}

/** Headers added to a Response that was built elsewhere (a plugin's, Elysia's). */
export function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const k in headers) response.headers.set(k, headers[k]!);
  return response;
}

export interface RouteOptions {
  /** false: the plugins' HTTP hooks never see this route (GET /health), so no plugin can take it down. */
  pluginHooks?: boolean;
}

type Serve = (r: RouteRequest) => Promise<Response>;
type Params = Record<string, string | undefined> | undefined;

export type Route = (serve: (r: RouteRequest) => Promise<Response>, options?: RouteOptions) => (c: { request: Request; params?: Record<string, string | undefined>; route?: string }) => Promise<Response>;

/**
 * The route maker for one app. `server` is read when a request needs it (not taken from Elysia's
 * context, which would define a getter on every request's context). With `guard` enforcing auth on
 * inference, every route checks credentials first; otherwise that costs one null test.
 */
export function routeMaker(bf: Bifrost, cors: CorsPolicy, server: () => Server, guard?: AuthGuard): Route {
  const gate = guard?.inferenceNeedsAuth ? guard : null;
  return (serve, options) => {
    const hooked = options?.pluginHooks !== false;
    return ({ request, params, route }) =>
      // Plugins observing HTTP exchanges (metrics) get this one when it ended.
      hooked && bf.pipeline.hasHttpEnd ? observed(serve, request, params, hooked, route ?? "unmatched") : answer(serve, request, params, hooked);
  };

  async function observed(serve: Serve, request: Request, params: Params, hooked: boolean, route: string): Promise<Response> {
    const t0 = performance.now();
    const response = await answer(serve, request, params, hooked);
    httpEnded(bf, request, route, t0, response);
    return response;
  }

  async function answer(serve: Serve, request: Request, params: Params, hooked: boolean): Promise<Response> {
    const headers = answerHeaders(request, cors);
    // A credential a plugin checks itself (a virtual key) goes on to that plugin instead of the admin check.
    if (gate !== null && !(bf.pipeline.checksCredentials && presentedCredentials(request).some((c) => bf.pipeline.acceptsCredential(c)))) {
      const refused = await gate.admitInference(request, addressOf(server(), request));
      if (refused && "refused" in refused) return errorResponse(refused.refused, refusalHeaders(refused, headers));
    }
    const r: RouteRequest = {
      request,
      params: params ?? {},
      headers,
      options: (raw) => ({ signal: request.signal, keyName: request.headers.get("x-bf-api-key-id"), rawBody: raw, headers: request.headers, requestId: headers["x-request-id"], answerHeaders: headers }),
      holdOpen: () => server()?.timeout?.(request, 0),
    };
    try {
      const pipe = bf.pipeline;
      return await (hooked && (pipe.hasHttpRequest || pipe.hasHttpResponse) ? withHttpHooks(bf, request, headers, () => serve(r)) : serve(r));
    } catch (err) {
      return errorResponse(err, headers);
    }
  }
}

/**
 * The plugins' HTTP hooks around producing an answer, when any are loaded: onHttpRequest may answer
 * first, onHttpResponse may replace the answer. Every route runs them, found or not.
 */
export async function withHttpHooks(bf: Bifrost, request: Request, headers: Record<string, string>, produce: () => Response | Promise<Response>): Promise<Response> {
  const pipe = bf.pipeline;
  if (pipe.hasHttpRequest) {
    const early = await pipe.runHttpRequest(request);
    if (early) return withHeaders(early, headers);
  }
  const response = await produce();
  if (!pipe.hasHttpResponse) return response;
  const after = await pipe.runHttpResponse(request, response);
  return after === response ? response : withHeaders(after, headers);
}

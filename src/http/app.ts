/** The HTTP app: Elysia over the Bifrost object. Every error leaves in the gateway's JSON shape. */
import { Elysia } from "elysia";
import type { Bifrost } from "../core/bifrost";
import { BifrostError } from "../schemas/error";
import { tooLarge } from "./body";
import { requestIdOf } from "./request-id";
import { corsPolicy } from "./cors";
import { adminRoutes } from "./admin";
import { inferenceRoutes } from "./inference";
import { integrationRoutes } from "./integrations";
import { pluginAdminRoutes } from "./plugins";
import { errorResponse, jsonResponse } from "./respond";

const HEALTH = JSON.stringify({ status: "ok" });

export function createApp(bf: Bifrost) {
  const client = bf.config.client;
  const cors = corsPolicy(client.allowedOrigins, client.allowedHeaders);
  const maxBody = client.maxRequestBodyBytes;

  /** CORS and the request id on every answer. */
  const finish = (request: Request, response: Response): Response => {
    const h = cors.headersFor(request.headers.get("origin"));
    if (h) for (const [k, v] of Object.entries(h)) response.headers.set(k, v);
    response.headers.set("x-request-id", requestIdOf(request));
    return response;
  };

  return new Elysia({ name: "bifrost" })
    .onRequest(({ request }) => {
      if (request.method === "OPTIONS") return cors.preflight(request.headers.get("origin"), request.headers.get("access-control-request-headers"));
      // 413 before anything reads the body.
      if (Number(request.headers.get("content-length")) > maxBody) return errorResponse(tooLarge(maxBody));
      if (bf.pipeline.hasHttpRequest) return bf.pipeline.runHttpRequest(request).catch((e) => errorResponse(e));
    })
    .onAfterHandle({ as: "global" }, ({ request, response }) => {
      if (!(response instanceof Response)) return;
      // Synchronous unless a plugin hooks the response: the common path stays free of an extra await.
      if (!bf.pipeline.hasHttpResponse) return finish(request, response);
      return bf.pipeline.runHttpResponse(request, response).then(
        (r) => finish(request, r),
        (e) => finish(request, errorResponse(e)),
      );
    })
    .onError({ as: "global" }, ({ code, error }) => {
      if (code === "NOT_FOUND") {
        return errorResponse(new BifrostError({ status: 404, type: "not_found_error", code: "route_not_found", message: "no such route" }));
      }
      if (code === "PARSE" || code === "VALIDATION") return errorResponse(BifrostError.badRequest(String((error as Error).message ?? "invalid request")));
      return errorResponse(error);
    })
    .get("/health", () => jsonResponse(HEALTH))
    .use(inferenceRoutes(bf, maxBody))
    .use(integrationRoutes(bf, maxBody))
    .use(adminRoutes(bf))
    .use(pluginAdminRoutes(bf));
}

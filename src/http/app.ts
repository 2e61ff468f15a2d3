/**
 * The HTTP app: Elysia over the Bifrost object. Every answer carries x-request-id (and CORS for an
 * allowed origin) and every error leaves in the gateway's JSON shape. No global lifecycle hooks:
 * inference routes finish their own answers (src/http/route.ts); the rest are finished by a hook
 * local to their group.
 */
import { Elysia } from "elysia";
import type { Bifrost } from "../core/bifrost";
import { BifrostError } from "../schemas/error";
import { adminRoutes } from "./admin";
import { corsPolicy } from "./cors";
import { inferenceRoutes } from "./inference";
import { integrationRoutes } from "./integrations";
import { pluginAdminRoutes } from "./plugins";
import { errorResponse, jsonResponse } from "./respond";
import { answerHeaders, routeMaker, withHeaders } from "./route";

const HEALTH = JSON.stringify({ status: "ok" });

export function createApp(bf: Bifrost) {
  const client = bf.config.client;
  const cors = corsPolicy(client.allowedOrigins, client.allowedHeaders);
  const maxBody = client.maxRequestBodyBytes;

  const management = new Elysia({ name: "management" })
    .onAfterHandle(({ request, response }) => (response instanceof Response ? withHeaders(response, answerHeaders(request, cors)) : undefined))
    .use(adminRoutes(bf))
    .use(pluginAdminRoutes(bf));

  const route = routeMaker(bf, cors, () => app.server);
  const app = new Elysia({ name: "bifrost" })
    .onError({ as: "global" }, ({ code, error, request }) => {
      const headers = answerHeaders(request, cors);
      if (code === "NOT_FOUND") return errorResponse(new BifrostError({ status: 404, type: "not_found_error", code: "route_not_found", message: "no such route" }), headers);
      if (code === "PARSE" || code === "VALIDATION") return errorResponse(BifrostError.badRequest(String((error as Error).message ?? "invalid request")), headers);
      return errorResponse(error, headers);
    })
    .options("/*", ({ request }) => cors.preflight(request.headers.get("origin"), request.headers.get("access-control-request-headers")))
    .get("/health", ({ request }) => jsonResponse(HEALTH, 200, answerHeaders(request, cors)))
    .use(inferenceRoutes(bf, route, maxBody))
    .use(integrationRoutes(bf, route, maxBody))
    .use(management);
  return app;
}

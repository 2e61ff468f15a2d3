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
import { answerHeaders, routeMaker, withHeaders, withHttpHooks } from "./route";

const HEALTH = JSON.stringify({ status: "ok" });

export function createApp(bf: Bifrost) {
  const client = bf.config.client;
  const cors = corsPolicy(client.allowedOrigins, client.allowedHeaders);
  const maxBody = client.maxRequestBodyBytes;

  // Management routes: the answer headers and the plugins' HTTP hooks by hooks local to this group.
  const management = new Elysia({ name: "management" })
    .onBeforeHandle(({ request }) => (bf.pipeline.hasHttpRequest ? bf.pipeline.runHttpRequest(request).then((r) => r && withHeaders(r, answerHeaders(request, cors))) : undefined))
    .onAfterHandle(async ({ request, response }) => {
      if (!(response instanceof Response)) return;
      const headers = answerHeaders(request, cors);
      const after = bf.pipeline.hasHttpResponse ? await bf.pipeline.runHttpResponse(request, response) : response;
      return withHeaders(after, headers);
    })
    .use(adminRoutes(bf))
    .use(pluginAdminRoutes(bf));

  const route = routeMaker(bf, cors, () => app.server);
  const app = new Elysia({ name: "bifrost" })
    .onError({ as: "global" }, ({ code, error, request }) => {
      const headers = answerHeaders(request, cors);
      if (code === "NOT_FOUND") return withHttpHooks(bf, request, headers, () => errorResponse(new BifrostError({ status: 404, type: "not_found_error", code: "route_not_found", message: "no such route" }), headers));
      if (code === "PARSE" || code === "VALIDATION") return errorResponse(BifrostError.badRequest(String((error as Error).message ?? "invalid request")), headers);
      return errorResponse(error, headers);
    })
    .options("/*", ({ request }) => cors.preflight(request.headers.get("origin"), request.headers.get("access-control-request-headers")))
    .get("/health", route(async (r) => jsonResponse(HEALTH, 200, r.headers)))
    .use(inferenceRoutes(bf, route, maxBody))
    .use(integrationRoutes(bf, route, maxBody))
    .use(management);
  return app;
}

/**
 * The plugins' own admin routes (PluginRoute: /api/logs, …), mounted last in the management group so
 * that the group's guard runs first and a built-in route always wins. The table is the current
 * pipeline's: a plugin enabled, reconfigured or removed at run time brings or takes its routes.
 */
import { Elysia } from "elysia";
import type { Bifrost } from "../core/bifrost";
import { BifrostError } from "../schemas/error";
import { errorResponse } from "./respond";

const NO_PARSE = { parse: "none" } as const;

export function pluginRoutes(bf: Bifrost) {
  const dispatch = async ({ request }: { request: Request }): Promise<Response> => {
    const m = bf.pipeline.routes.match(request.method, new URL(request.url).pathname);
    if (!m) return errorResponse(new BifrostError({ status: 404, type: "not_found_error", code: "route_not_found", message: "no such route" }));
    try {
      const response = await m.route.handle(request, m.params);
      if (!(response instanceof Response)) throw new Error("a plugin route answered with something other than a Response");
      return response;
    } catch (e) {
      return errorResponse(e instanceof BifrostError ? e : new BifrostError({ status: 500, type: "server_error", code: "plugin_route_failed", message: `the route failed: ${(e as Error)?.message ?? e}` }));
    }
  };
  return new Elysia({ name: "plugin-routes" })
    .get("/api/*", dispatch)
    .post("/api/*", dispatch, NO_PARSE)
    .put("/api/*", dispatch, NO_PARSE)
    .patch("/api/*", dispatch, NO_PARSE)
    .delete("/api/*", dispatch, NO_PARSE);
}

/** The template an /api/* request matched, for metrics: the plugin route's, else "unmatched". */
export function pluginRouteTemplate(bf: Bifrost, request: Request): string {
  return bf.pipeline.routes.templateOf(request.method, new URL(request.url).pathname) ?? "unmatched";
}

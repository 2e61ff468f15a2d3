/** Plugins at the transport: onHttpRequest / onHttpResponse hooks, and the /api/plugins management routes. */
import { Elysia } from "elysia";
import type { Bifrost } from "../core/bifrost";
import { guard } from "../plugins/pipeline";
import { BifrostError } from "../schemas/error";
import { readJsonBody } from "./body";
import { errorResponse, jsonResponse } from "./respond";

/** Each plugin's onHttpRequest in order; the first Response short-circuits the route. */
export async function runHttpRequestHooks(bf: Bifrost, request: Request): Promise<Response | undefined> {
  for (const lp of bf.pipeline.httpRequest) {
    const r = await guard(lp, "onHttpRequest", () => lp.plugin.onHttpRequest!(request));
    if (r instanceof Response) return r;
  }
}

/** Each plugin's onHttpResponse in reverse order; a returned Response replaces the answer. */
export async function runHttpResponseHooks(bf: Bifrost, request: Request, response: Response): Promise<Response> {
  const hooks = bf.pipeline.httpResponse;
  for (let i = hooks.length - 1; i >= 0; i--) {
    const lp = hooks[i]!;
    const r = await guard(lp, "onHttpResponse", () => lp.plugin.onHttpResponse!(request, response));
    if (r instanceof Response) response = r;
  }
  return response;
}

export function pluginAdminRoutes(bf: Bifrost) {
  return new Elysia({ name: "plugin-admin" })
    .get("/api/plugins", () => jsonResponse(JSON.stringify({ plugins: bf.plugins.list() })))
    .put(
      "/api/plugins/:name",
      async ({ request, params }) => {
        try {
          const { value } = await readJsonBody(request, 1024 * 1024);
          const body = value as { config?: unknown; enabled?: unknown };
          if (!body || typeof body !== "object" || Array.isArray(body)) throw BifrostError.badRequest("expected a JSON object with config and/or enabled");
          if (body.enabled !== undefined && typeof body.enabled !== "boolean") throw BifrostError.badRequest("enabled: expected boolean", "enabled");
          const info = await bf.plugins.reconfigure(decodeURIComponent(params.name), { config: body.config, enabled: body.enabled as boolean | undefined });
          return jsonResponse(JSON.stringify(info));
        } catch (err) {
          return errorResponse(err);
        }
      },
      { parse: "none" },
    );
}

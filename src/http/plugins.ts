/** The /api/plugins management routes (the HTTP hooks run in the pipeline: Pipeline.runHttpRequest / runHttpResponse). */
import { Elysia } from "elysia";
import type { Bifrost } from "../core/bifrost";
import { BifrostError } from "../schemas/error";
import { readJsonBody } from "./body";
import { errorResponse, jsonResponse } from "./respond";

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

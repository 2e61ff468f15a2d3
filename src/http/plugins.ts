/** The /api/plugins management routes (the HTTP hooks run in the pipeline: Pipeline.runHttpRequest / runHttpResponse). */
import { Elysia } from "elysia";
import { PluginEntrySchema } from "../config/schema";
import type { Bifrost } from "../core/bifrost";
import type { PluginEntry } from "../plugins/types";
import { schemaProblems } from "../schemas/check";
import { BifrostError } from "../schemas/error";
import { guarded } from "./admin";
import { readJsonBody } from "./body";
import { jsonResponse } from "./respond";

const MAX_BODY = 1024 * 1024;

export function pluginAdminRoutes(bf: Bifrost) {
  const info = (name: string) => {
    const p = bf.plugins.list().find((x) => x.name === name);
    if (!p) throw new BifrostError({ status: 404, type: "not_found_error", message: `no plugin named ${name} is configured` });
    return p;
  };
  const object = async (request: Request) => {
    const { value } = await readJsonBody(request, MAX_BODY);
    if (!value || typeof value !== "object" || Array.isArray(value)) throw BifrostError.badRequest("expected a JSON object");
    return value as Record<string, unknown>;
  };

  return new Elysia({ name: "plugin-admin" })
    .get("/api/plugins", () => {
      const plugins = bf.plugins.list();
      return jsonResponse(JSON.stringify({ plugins, count: plugins.length }));
    })
    .get("/api/plugins/:name", ({ params }) => guarded(() => jsonResponse(JSON.stringify(info(decodeURIComponent(params.name))))))
    .post(
      "/api/plugins",
      ({ request }) =>
        guarded(async () => {
          const entry = await object(request);
          const [problem] = schemaProblems(PluginEntrySchema, entry);
          if (problem) throw BifrostError.badRequest(problem, problem.slice(0, problem.indexOf(":")), "invalid_request");
          const added = await bf.plugins.add(entry as unknown as PluginEntry);
          await bf.live.pluginsChanged();
          return jsonResponse(JSON.stringify(added), 201);
        }),
      { parse: "none" },
    )
    .put(
      "/api/plugins/:name",
      ({ request, params }) =>
        guarded(async () => {
          const body = await object(request);
          if (body.enabled !== undefined && typeof body.enabled !== "boolean") throw BifrostError.badRequest("enabled: expected boolean", "enabled");
          const updated = await bf.plugins.reconfigure(decodeURIComponent(params.name), { config: body.config, enabled: body.enabled as boolean | undefined });
          await bf.live.pluginsChanged();
          return jsonResponse(JSON.stringify(updated));
        }),
      { parse: "none" },
    )
    .delete("/api/plugins/:name", ({ params }) =>
      guarded(async () => {
        const name = decodeURIComponent(params.name);
        bf.plugins.remove(name);
        await bf.live.pluginsChanged();
        return jsonResponse(JSON.stringify({ status: "success", message: `plugin ${name} removed` }));
      }),
    );
}

/**
 * The /api/plugins management routes (the HTTP hooks run in the pipeline: Pipeline.runHttpRequest /
 * runHttpResponse). A plugin answer is the host's PluginInfo (with `config_schema`, the plugin's
 * TypeBox schema as JSON Schema) plus `enabled` and `config` as configured, secrets masked like a
 * provider's keys: strings under a secret-looking field read "********" (env.X as itself), URL
 * credentials "***"; sent back unchanged, a masked value keeps the stored one. The list answer also
 * names the plugin packages found but not configured (`available`).
 */
import { Elysia } from "elysia";
import { PluginEntrySchema } from "../config/schema";
import type { Bifrost } from "../core/bifrost";
import { MASKED } from "../core/live-config";
import type { PluginInfo } from "../plugins/host";
import type { PluginEntry } from "../plugins/types";
import { schemaProblems } from "../schemas/check";
import { BifrostError } from "../schemas/error";
import { guarded, maskStrings } from "./admin";
import { readJsonBody } from "./body";
import { maskUrlCredentials } from "./mask-url";
import { jsonResponse } from "./respond";

const MAX_BODY = 1024 * 1024;

export function pluginAdminRoutes(bf: Bifrost) {
  const entryOf = (name: string) => bf.plugins.entries().find((e) => e.name === name);
  const view = (p: PluginInfo) => {
    const entry = entryOf(p.name);
    return { ...p, enabled: entry?.enabled !== false, config: maskPluginConfig(entry?.config ?? {}) };
  };
  const info = (name: string) => {
    const p = bf.plugins.list().find((x) => x.name === name);
    if (!p) throw new BifrostError({ status: 404, type: "not_found_error", message: `no plugin named ${name} is configured` });
    return view(p);
  };
  const object = async (request: Request) => {
    const { value } = await readJsonBody(request, MAX_BODY);
    if (!value || typeof value !== "object" || Array.isArray(value)) throw BifrostError.badRequest("expected a JSON object");
    return value as Record<string, unknown>;
  };

  return new Elysia({ name: "plugin-admin" })
    .get("/api/plugins", () => {
      const plugins = bf.plugins.list().map(view);
      return jsonResponse(JSON.stringify({ plugins, count: plugins.length, available: bf.plugins.available() }));
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
          return jsonResponse(JSON.stringify(view(added)), 201);
        }),
      { parse: "none" },
    )
    .put(
      "/api/plugins/:name",
      ({ request, params }) =>
        guarded(async () => {
          const name = decodeURIComponent(params.name);
          const body = await object(request);
          if (body.enabled !== undefined && typeof body.enabled !== "boolean") throw BifrostError.badRequest("enabled: expected boolean", "enabled");
          // A masked value sent back (as GET shows it) keeps the stored one.
          const config = body.config === undefined ? undefined : unmaskPluginConfig(body.config, entryOf(name)?.config);
          const updated = await bf.plugins.reconfigure(name, { config, enabled: body.enabled as boolean | undefined });
          await bf.live.pluginsChanged();
          return jsonResponse(JSON.stringify(view(updated)));
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

/**
 * A plugin's config as admins see it: strings under secret-looking fields masked (env.X shown), every
 * header value too (an otel collector's Authorization: as a provider's extra_headers and an MCP
 * client's headers are), URL credentials hidden.
 */
export function maskPluginConfig(config: unknown): unknown {
  return hideUrlCredentials(maskStrings(maskHeaders(config), false));
}

/** Fields holding request headers ("headers", "extra_headers", …): every value in them is a secret. */
const HEADERS_FIELD = /headers$/i;

function maskHeaders(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(maskHeaders);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, HEADERS_FIELD.test(k) ? maskStrings(x, true) : maskHeaders(x)]));
  return v;
}

function hideUrlCredentials(v: unknown): unknown {
  if (typeof v === "string") return maskUrlCredentials(v);
  if (Array.isArray(v)) return v.map(hideUrlCredentials);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, hideUrlCredentials(x)]));
  return v;
}

/** `next` with every value that reads as GET shows the stored one at the same place ("********", a URL with "***@") replaced by the stored value. */
export function unmaskPluginConfig(next: unknown, old: unknown): unknown {
  if (typeof next === "string") {
    if (next === MASKED) return typeof old === "string" ? old : undefined;
    return typeof old === "string" && old !== next && maskUrlCredentials(old) === next ? old : next;
  }
  if (Array.isArray(next)) return next.map((v, i) => unmaskPluginConfig(v, Array.isArray(old) ? old[i] : undefined));
  if (next && typeof next === "object") {
    const o = old && typeof old === "object" && !Array.isArray(old) ? (old as Record<string, unknown>) : {};
    return Object.fromEntries(Object.entries(next).map(([k, v]) => [k, unmaskPluginConfig(v, o[k])]));
  }
  return next;
}

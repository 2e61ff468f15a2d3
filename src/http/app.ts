/**
 * The HTTP app: Elysia over the Bifrost object. Every answer carries x-request-id (and CORS for an
 * allowed origin) and every error leaves in the gateway's JSON shape. No global lifecycle hooks:
 * inference routes finish their own answers (src/http/route.ts); the rest are finished by a hook
 * local to their group. /api/* is behind the auth guard (src/auth) and sends no CORS headers.
 */
import { Elysia } from "elysia";
import { AuthGuard, pathOf, refusalHeaders } from "../auth/guard";
import type { Bifrost } from "../core/bifrost";
import { BifrostError } from "../schemas/error";
import { adminRoutes } from "./admin";
import { gatewayBatchApi } from "../batches/gateway-api";
import { anthropicBatchRoutes } from "../batches/routes-anthropic";
import { genaiBatchModelMethods, genaiBatchRoutes } from "../batches/routes-genai";
import { openAIBatchRoutes } from "../batches/routes-openai";
import { bodyBudget } from "./body";
import { dashboardRoutes } from "./dashboard";
import { NO_CORS, corsPolicy } from "./cors";
import { inferenceRoutes } from "./inference";
import { integrationRoutes } from "./integrations";
import { mcpAdminRoutes, mcpRoutes, type McpHttpOptions } from "./mcp";
import { callerOf } from "../plugins/caller";
import { mcpServerRoutes } from "./mcp-server";
import { observabilityRoutes } from "./observability";
import { httpEnded } from "./observe";
import { pluginRouteTemplate, pluginRoutes } from "./plugin-routes";
import { pluginAdminRoutes } from "./plugins";
import { errorResponse, jsonResponse } from "./respond";
import { addressOf, answerHeaders, routeMaker, withHeaders, withHttpHooks } from "./route";
import { sessionRoutes } from "./session";

const HEALTH = JSON.stringify({ status: "ok" });

export interface AppOptions {
  /** The auth guard (sessions, back-off); tests hand one with their own clock. Default: from bf.config.auth. */
  guard?: AuthGuard;
  /** MCP over HTTP, mounted when given: the manager (null: 404 mcp_not_configured), persistence after a change, the /mcp filter. */
  mcp?: McpHttpOptions;
}

export function createApp(bf: Bifrost, opts: AppOptions = {}) {
  const client = bf.config.client;
  const cors = corsPolicy(client.allowedOrigins, client.allowedHeaders);
  const maxBody = client.maxRequestBodyBytes;
  // MCP over HTTP for the gateway's own manager: tools run through the plugins' preMcp/postMcp, and a
  // caller of /mcp is admitted (and narrowed) by the plugins' mcpAccess, like inference.
  const mcp: McpHttpOptions = opts.mcp ?? {
    manager: () => bf.mcp,
    // Changes through /api/mcp/* are kept in the config store (and reach replicas) like providers'.
    onChange: () => bf.live.mcpChanged(),
    // A run of its own: recorded as a request (op mcpTool) in logs, metrics and traces.
    execute: (name, args, request, signal) => bf.executeMcp(name, args, callerOf(request.headers), signal, true),
    filter: async (request) => {
      try {
        return await bf.pipeline.runMcpAccess(callerOf(request.headers));
      } catch (e) {
        return errorResponse(e);
      }
    },
  };
  bodyBudget.capacity = client.maxBufferedRequestBytes;
  const guard = opts.guard ?? new AuthGuard(bf.config.auth, { sessions: bf.sessions ?? undefined });
  const addressOfRequest = (request: Request): string => addressOf(app.server as Parameters<typeof addressOf>[0], request);
  /** An /api/* request through the guard: undefined to go on (its change audited), or the refusal. */
  const admitAdmin = async (request: Request): Promise<Response | undefined> => {
    const path = pathOf(request.url);
    const a = await guard.admitAdmin(request, path, addressOfRequest(request));
    if ("refused" in a) return errorResponse(a.refused, refusalHeaders(a, answerHeaders(request, NO_CORS)));
    guard.auditChange(a.who, request, path);
  };

  // Management routes: the guard and the answer headers by hooks local to this group. The plugins'
  // HTTP hooks never run here: a plugin must not be able to answer, alter or break the admin API.
  // Plugins' own admin routes (/api/logs, …) come last: a built-in route always wins.
  const management = new Elysia({ name: "management" })
    .onBeforeHandle(({ request }) => {
      if (bf.pipeline.hasHttpEnd) started.set(request, performance.now());
      return admitAdmin(request);
    })
    .onAfterHandle(({ request, response, route }) => {
      if (!(response instanceof Response)) return;
      withHeaders(response, answerHeaders(request, NO_CORS));
      const t0 = started.get(request);
      if (t0 !== undefined) httpEnded(bf, request, route === "/api/*" ? pluginRouteTemplate(bf, request) : route, t0, response);
    })
    .use(sessionRoutes(guard, addressOfRequest))
    .use(adminRoutes(bf))
    .use(pluginAdminRoutes(bf))
    .use(mcpAdminRoutes(mcp))
    .use(pluginRoutes(bf));

  const serverOf = (): Bun.Server<unknown> | null => (app.server as unknown as Bun.Server<unknown> | null) ?? null;
  /** When each management request began (only while a plugin observes HTTP exchanges). */
  const started = new WeakMap<Request, number>();
  const route = routeMaker(bf, cors, () => app.server, guard);
  // Files and batches for the Anthropic and GenAI SDKs (the OpenAI routes ask bf.batches themselves).
  const batchApi = gatewayBatchApi(bf);
  const app = new Elysia({ name: "bifrost" })
    .onError({ as: "global" }, async ({ code, error, request }) => {
      const isAdmin = isAdminPath(pathOf(request.url));
      const headers = answerHeaders(request, isAdmin ? NO_CORS : cors);
      // An unknown /api/* path tells an anonymous caller nothing either.
      if (code === "NOT_FOUND" && isAdmin) {
        const refused = await admitAdmin(request);
        if (refused) return refused;
      }
      if (code === "NOT_FOUND") {
        const notFound = () => errorResponse(new BifrostError({ status: 404, type: "not_found_error", code: "route_not_found", message: "no such route" }), headers);
        if (isAdmin) return notFound();
        const t0 = performance.now();
        const response = await withHttpHooks(bf, request, headers, notFound);
        httpEnded(bf, request, "unmatched", t0, response);
        return response;
      }
      if (code === "PARSE" || code === "VALIDATION") return errorResponse(BifrostError.badRequest(String((error as Error).message ?? "invalid request")), headers);
      return errorResponse(error, headers);
    })
    .options("/*", ({ request }) => (isAdminPath(pathOf(request.url)) ? NO_CORS : cors).preflight(request.headers.get("origin"), request.headers.get("access-control-request-headers")))
    .get("/health", route(async (r) => jsonResponse(HEALTH, 200, r.headers), { pluginHooks: false }))
    .use(inferenceRoutes(bf, route, maxBody))
    .use(openAIBatchRoutes(bf, route, maxBody))
    .use(integrationRoutes(bf, route, maxBody, genaiBatchModelMethods(batchApi, { route })))
    .use(anthropicBatchRoutes(batchApi, { route, maxUploadBytes: () => bf.batches?.settings.maxUploadBytes ?? 0 }))
    .use(genaiBatchRoutes(batchApi, { route }))
    .use(mcpRoutes(route, mcp, maxBody))
    .use(mcpServerRoutes(route, mcp, maxBody))
    .use(observabilityRoutes(bf, guard, addressOfRequest, serverOf))
    .use(dashboardRoutes())
    .use(management);
  return app;
}

function isAdminPath(path: string): boolean {
  return path === "/api" || path.startsWith("/api/");
}

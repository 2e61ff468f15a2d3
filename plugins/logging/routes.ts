/** Go Bifrost's /api/logs routes over a LogStore (the gateway mounts them behind its admin auth). */
import type { PluginContext, PluginRoute } from "bifrost/plugin";
import { toEntry } from "./entry";
import { filterDataHandler } from "./filterdata";
import { histogramRoutes, withEmptyBuckets } from "./histograms";
import { bucketSeconds, MAX_LIMIT, parseFilters, parsePage, QueryError } from "./query";
import type { LogStore } from "./store";

const json = (body: unknown, status = 200) => Response.json(body, { status });

export function logRoutes(ctx: PluginContext, store: LogStore, dropped: () => number): PluginRoute[] {
  const fail = (status: number, message: string, param: string | null = null) =>
    json(ctx.error({ status, message, type: status < 500 ? "invalid_request_error" : "api_error", param, isBifrostError: status >= 500 }).toJSON(), status);

  /** Runs a handler, answering 400 for a bad query and 500 (without internals) when the store fails. */
  const guarded =
    (what: string, handle: (q: URLSearchParams, params: Record<string, string>, request: Request) => Promise<Response>) =>
    async (request: Request, params: Record<string, string>) => {
      try {
        return await handle(new URL(request.url).searchParams, params, request);
      } catch (e) {
        if (e instanceof QueryError) return fail(400, e.message, e.param);
        ctx.logger.error(`logging: ${what} failed`, { error: (e as Error).message });
        return fail(500, `${what} failed: the log store is unavailable`);
      }
    };

  return [
    {
      method: "GET",
      path: "/api/logs",
      handle: guarded("log search", async (q) => {
        const filters = parseFilters(q);
        const page = parsePage(q);
        const [{ rows, total }, stats] = await Promise.all([store.query(filters, page), store.stats(filters)]);
        return json({
          logs: rows.map(toEntry),
          pagination: { limit: page.limit, offset: page.offset, sort_by: page.sortBy, order: page.order, total_count: total },
          stats,
          has_logs: total > 0 || (await store.query({}, { limit: 1, offset: 0, sortBy: "timestamp", order: "desc" })).total > 0,
        });
      }),
    },
    // Fixed paths before /api/logs/:id: the first matching route wins.
    { method: "GET", path: "/api/logs/stats", handle: guarded("log stats", async (q) => json(await store.stats(parseFilters(q)))) },
    {
      method: "GET",
      path: "/api/logs/histogram",
      handle: guarded("log histogram", async (q) => {
        const filters = parseFilters(q);
        const size = bucketSeconds(filters.startTime, filters.endTime);
        const buckets = await store.histogram(filters, size);
        return json({ buckets: withEmptyBuckets(buckets, filters, size), bucket_size_seconds: size });
      }),
    },
    ...histogramRoutes(store, guarded),
    { method: "GET", path: "/api/logs/dropped", handle: async () => json({ dropped_requests: dropped() }) },
    { method: "GET", path: "/api/logs/filterdata", handle: guarded("log filter data", filterDataHandler(store)) },
    {
      method: "GET",
      path: "/api/logs/:id",
      handle: guarded("log lookup", async (_q, params) => {
        const row = await store.get(params.id!);
        return row ? json(toEntry(row)) : fail(404, "log not found");
      }),
    },
    {
      method: "DELETE",
      path: "/api/logs",
      handle: guarded("log delete", async (_q, _p, request) => {
        let body: unknown;
        try {
          body = await request.json();
        } catch {
          return fail(400, "Invalid JSON");
        }
        const ids = (body as { ids?: unknown })?.ids;
        if (!Array.isArray(ids) || ids.length === 0) return fail(400, "No log IDs provided", "ids");
        if (!ids.every((id) => typeof id === "string")) return fail(400, "ids must be strings", "ids");
        if (ids.length > MAX_LIMIT) return fail(400, `at most ${MAX_LIMIT} ids per request`, "ids");
        await store.deleteIds(ids as string[]);
        return json({ message: "Logs deleted successfully" });
      }),
    },
  ];
}

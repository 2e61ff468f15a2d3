/**
 * Go Bifrost's GET /api/logs/filterdata: the values the log filters can take, for the dashboard's
 * dropdowns — models, provider keys and virtual keys (Go's dimensions), plus the providers seen.
 */
import { Statement, type Dialect, type Query } from "./sql";
import type { FilterData, LogStore } from "./store";

/** Values per dimension at most (Go's defaultFilterDataLimit). */
export const FILTER_DATA_LIMIT = 1000;
const DIMENSIONS = ["models", "providers", "selected_keys", "virtual_keys"] as const;

function distinct(dialect: Dialect, column: string, limit: number): Query {
  const s = new Statement(dialect);
  return { sql: `SELECT DISTINCT ${column} AS v FROM logs WHERE ${column} <> '' ORDER BY v LIMIT ${s.ph(limit)}`, params: s.params };
}

/** Each (id, name) a virtual key was logged with and when last: a renamed key shows its latest name. */
function virtualKeys(dialect: Dialect, limit: number): Query {
  const s = new Statement(dialect);
  return {
    sql: `SELECT virtual_key_id AS id, virtual_key_name AS name, MAX(timestamp_ms) AS last FROM logs
      WHERE virtual_key_id IS NOT NULL GROUP BY virtual_key_id, virtual_key_name ORDER BY last DESC LIMIT ${s.ph(limit * 10)}`,
    params: s.params,
  };
}

type Rows = Record<string, unknown>[];

/** The filter data through a store's own query runner (the SQL is the same in both dialects). */
export async function readFilterData(dialect: Dialect, limit: number, all: (q: Query) => Rows | Promise<Rows>): Promise<FilterData> {
  const values = async (column: string) => (await all(distinct(dialect, column, limit))).map((r) => String(r.v));
  const [models, providers, keys, vkRows] = await Promise.all([values("model"), values("provider"), values("selected_key_name"), all(virtualKeys(dialect, limit))]);
  const vks = new Map<string, string>();
  // The latest name a key was logged with; rows that know only its id (a native batch's lines) name it only when none other does.
  for (const r of vkRows) if (r.name != null && !vks.has(String(r.id)) && vks.size < limit) vks.set(String(r.id), String(r.name));
  for (const r of vkRows) if (!vks.has(String(r.id)) && vks.size < limit) vks.set(String(r.id), String(r.id));
  return {
    models,
    providers,
    selected_keys: keys.map((name) => ({ id: name, name })),
    virtual_keys: [...vks].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** The route's answer: every dimension, or those `dimensions` names (unknown ones ignored, as Go does). */
export function filterDataHandler(store: LogStore) {
  return async (q: URLSearchParams): Promise<Response> => {
    const asked = (q.get("dimensions") ?? "").split(",").map((d) => d.trim()).filter((d): d is (typeof DIMENSIONS)[number] => (DIMENSIONS as readonly string[]).includes(d));
    const data = await store.filterData(FILTER_DATA_LIMIT);
    if (!asked.length) return Response.json(data);
    return Response.json(Object.fromEntries(asked.map((d) => [d, data[d]])));
  };
}

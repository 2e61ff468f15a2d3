/**
 * A RequestSummary as a `logs` row, and a row as Go Bifrost's Log JSON (what /api/logs and the
 * live feed return). Headers are never logged; error text is scrubbed of key-like strings.
 */
import { OP_REQUEST_TYPE, type RequestSummary } from "bifrost/plugin";
import { JSON_COLUMNS, type LogDraft, type LogRow } from "./store";


/** Provider keys and virtual keys (`sk-…`, `sk-bf-…`, `sk-ant-…`), Google keys (`AIza…`), bearer tokens. */
const SECRET = /\b(?:sk-[A-Za-z0-9_-]{8,}|AIza[0-9A-Za-z_-]{20,})|(?<=bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;

export function redactSecrets(text: string): string {
  return text.replace(SECRET, "[REDACTED]");
}

/** The x-bf-disable-content-logging header: "true" or "1" turns content logging off for this request. */
export function contentLoggingOff(s: Pick<RequestSummary, "header">): boolean {
  const v = s.header("x-bf-disable-content-logging")?.trim().toLowerCase();
  return v === "true" || v === "1";
}

const STATUS = { success: "success", error: "error", cancelled: "cancelled" } as const;

/** The request's row, its JSON columns still values (a LogDraft): made on the request's thread, cheaply. */
export function toDraft(s: RequestSummary, logContent: boolean): LogDraft {
  const usage = s.usage;
  const output = logContent ? outputOf(s.response) : null;
  const error = s.error ? errorDetails(s.error) : null;
  return {
    id: s.requestId,
    timestamp_ms: s.startedAt,
    object_type: OP_REQUEST_TYPE[s.op] ?? s.op,
    provider: s.provider,
    model: s.model,
    requested_model: s.requestedModel,
    status: STATUS[s.outcome],
    stream: s.stream ? 1 : 0,
    latency: s.latencyMs,
    time_to_first_token: s.firstChunkMs,
    prompt_tokens: usage?.prompt_tokens ?? 0,
    completion_tokens: usage?.completion_tokens ?? 0,
    total_tokens: usage?.total_tokens ?? 0,
    cached_read_tokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
    token_usage: usage ?? null,
    cost: s.cost && !s.costMissing ? s.cost.total_cost : null,
    number_of_retries: s.retries,
    fallback_index: s.fallbackIndex,
    selected_key_name: s.keyName ?? "",
    ...virtualKeyOf(s),
    batch_id: s.batchId ?? null,
    cache_hit: s.cacheHit,
    answered_by: s.answeredBy,
    error_details: error,
    // The whole request: split into input_history and params where the row is finished (splitRequest).
    input_history: logContent ? s.request : null,
    output_message: output,
    params: null,
    // One attempt that answered says nothing the row does not: the trail is kept when there were more, or an error.
    attempt_trail:
      s.attempts.length > 1 || s.attempts[0]?.error || s.toolCalls?.length
        ? [
            ...s.attempts.map((a) => ({ ...a, error: a.error && { ...a.error, message: redactSecrets(a.error.message) } })),
            // MCP tools the gateway ran for this request (agent mode), with their latency.
            ...(s.toolCalls ?? []).map((t) => ({ type: "mcp_tool", name: t.name, latency_ms: t.latencyMs, is_error: t.isError })),
          ]
        : null,
    content_hidden: logContent ? 0 : 1,
    created_at_ms: Date.now(),
  };
}

/**
 * The virtual key governance admitted the request with (what it left in rctx.values under "governance");
 * else the key a batch line ran for (its principal "vk:<id>": a native batch's lines pass no hook), by id only.
 */
function virtualKeyOf(s: Pick<RequestSummary, "values" | "principal">): { virtual_key_id: string | null; virtual_key_name: string | null } {
  const g = s.values.get("governance") as { virtual_key_id?: unknown; virtual_key_name?: unknown } | undefined;
  const id = typeof g?.virtual_key_id === "string" && g.virtual_key_id ? g.virtual_key_id : null;
  if (!id && s.principal?.startsWith(VK_OWNER)) return { virtual_key_id: s.principal.slice(VK_OWNER.length) || null, virtual_key_name: null };
  return { virtual_key_id: id, virtual_key_name: id && typeof g?.virtual_key_name === "string" ? g.virtual_key_name : id };
}
/** Governance's owners: "vk:<virtual key id>". */
const VK_OWNER = "vk:";

/** A draft as it is stored: the JSON columns as text, and the text content_search looks in. Run where the store writes. */
export function finishRow(draft: LogDraft): LogRow {
  const d = splitRequest(draft);
  const row = { ...d } as Record<string, unknown>;
  for (const c of JSON_COLUMNS) row[c] = d[c] === null || d[c] === undefined ? null : JSON.stringify(d[c]);
  row.search_text = searchText(d.input_history, d.output_message, (d.error_details as { error?: { message?: string } } | null)?.error?.message);
  return row as unknown as LogRow;
}

/** Go's Log JSON for a stored row. */
export function toEntry(r: LogRow): Record<string, unknown> {
  const d = { ...r } as Record<string, unknown>;
  for (const c of JSON_COLUMNS) d[c] = parse(r[c]);
  return draftEntry(d as unknown as LogDraft);
}

/** A draft's request, as input_history (the messages) and params (the rest); a stored row's are split already. */
function splitRequest(d: LogDraft): LogDraft {
  const req = d.input_history as Record<string, unknown> | null;
  if (!req || Array.isArray(req) || d.params !== null) return d;
  return { ...d, input_history: inputOf(req), params: paramsOf(req) };
}

/** Go's Log JSON for a draft (the live feed's): an RFC 3339 timestamp, absent content left out. */
export function draftEntry(draft: LogDraft): Record<string, unknown> {
  const r = splitRequest(draft);
  const entry: Record<string, unknown> = {
    id: r.id,
    timestamp: new Date(r.timestamp_ms).toISOString(),
    object: r.object_type,
    provider: r.provider,
    model: r.model,
    requested_model: r.requested_model,
    status: r.status,
    stream: r.stream === 1,
    latency: r.latency,
    time_to_first_token: r.time_to_first_token,
    token_usage: r.token_usage,
    cost: r.cost,
    number_of_retries: r.number_of_retries,
    fallback_index: r.fallback_index,
    // Keys are known by name here; Go's selected_key_id carries the same name.
    selected_key_id: r.selected_key_name,
    selected_key_name: r.selected_key_name,
    virtual_key_id: r.virtual_key_id,
    virtual_key_name: r.virtual_key_name,
    batch_id: r.batch_id,
    cache_hit: r.cache_hit,
    answered_by: r.answered_by,
    error_details: r.error_details,
    input_history: r.input_history,
    output_message: r.output_message,
    params: r.params,
    attempt_trail: r.attempt_trail,
    content_hidden: r.content_hidden === 1,
    created_at: new Date(r.created_at_ms).toISOString(),
  };
  for (const k of Object.keys(entry)) if (entry[k] === null || entry[k] === undefined) delete entry[k];
  return entry;
}

function parse(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

type Message = { role: string; content: unknown; [k: string]: unknown };

/** Chat messages as sent; any other op's input as one user message (Go keeps `input_history` for both). */
function inputOf(req: Record<string, unknown>): Message[] | null {
  if (Array.isArray(req.messages)) return req.messages as Message[];
  const input = req.input ?? req.prompt ?? req.query;
  if (input === undefined) return null;
  return [{ role: "user", content: input }];
}

/** The answer's message (chat), text (completions) or output items (responses); vectors and audio are not kept. */
function outputOf(res: Record<string, unknown> | null): unknown {
  if (!res) return null;
  const choices = res.choices as Array<Record<string, unknown>> | undefined;
  const first = choices?.[0];
  if (first?.message) return first.message;
  if (typeof first?.text === "string") return { role: "assistant", content: first.text };
  if (Array.isArray(res.output)) return { role: "assistant", content: res.output };
  if (Array.isArray(res.results)) return { role: "assistant", content: res.results };
  return null;
}

const NOT_PARAMS = new Set(["model", "messages", "input", "prompt", "query", "fallbacks", "stream"]);

function paramsOf(req: Record<string, unknown>): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(req)) if (!NOT_PARAMS.has(k)) out[k] = v;
  return Object.keys(out).length ? out : null;
}

function errorDetails(e: { toJSON(): { is_bifrost_error: boolean; status_code: number; error: { type: string; code: string | null; message: string; param: string | null } } }) {
  const j = e.toJSON();
  return { is_bifrost_error: j.is_bifrost_error, status_code: j.status_code, error: { ...j.error, message: redactSecrets(j.error.message) } };
}

const NOT_TEXT = new Set(["role", "type", "id", "tool_call_id", "finish_reason"]);

/** The text content_search looks in: every string in the input and output (JSON keys left out), and the error. */
function searchText(input: unknown, output: unknown, error: string | undefined): string {
  const parts: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string") parts.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) if (!NOT_TEXT.has(k)) walk(x);
  };
  walk(input);
  walk(output);
  if (error) parts.push(error);
  // PostgreSQL's TEXT cannot hold NUL; one in a prompt must not cost the whole batch.
  return parts.join("\n").toLowerCase().replaceAll("\0", "");
}

/**
 * A finished request as spans: the request span (SERVER, GenAI attributes), under it one CLIENT span per
 * provider attempt and one INTERNAL span per plugin hook, each with its recorded start and duration.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Tracer } from "@opentelemetry/api";
import { ATTR_ERROR_TYPE, ATTR_HTTP_RESPONSE_STATUS_CODE } from "@opentelemetry/semantic-conventions";
import type { AttemptRecord, HookTiming, RequestSummary } from "bifrost/plugin";
import { GEN_AI, operationName, providerName } from "./semconv";
import type { PresetIds, RequestIds } from "./trace-context";

type Obj = Record<string, unknown>;
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** Sets only the attributes that have a value (OTel drops undefined, but an empty array would be sent). */
function put(attrs: Attributes, key: string, value: string | number | boolean | string[] | null | undefined): void {
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return;
  attrs[key] = value;
}

/** The request parameters the GenAI conventions name, from the request as last sent on. */
function requestParams(attrs: Attributes, req: Obj): void {
  put(attrs, GEN_AI.requestMaxTokens, num(req.max_tokens) ?? num(req.max_completion_tokens) ?? num(req.max_output_tokens));
  put(attrs, GEN_AI.requestTemperature, num(req.temperature));
  put(attrs, GEN_AI.requestTopP, num(req.top_p));
  put(attrs, GEN_AI.requestFrequencyPenalty, num(req.frequency_penalty));
  put(attrs, GEN_AI.requestPresencePenalty, num(req.presence_penalty));
  put(attrs, GEN_AI.requestSeed, num(req.seed));
  const n = num(req.n);
  if (n !== undefined && n !== 1) put(attrs, GEN_AI.requestChoiceCount, n);
  const stop = req.stop;
  put(attrs, GEN_AI.requestStopSequences, typeof stop === "string" ? [stop] : Array.isArray(stop) ? stop.filter((s): s is string => typeof s === "string") : undefined);
}

function responseFields(attrs: Attributes, res: Obj | null, s: RequestSummary): void {
  put(attrs, GEN_AI.responseModel, typeof res?.model === "string" && res.model ? res.model : s.outcome === "success" ? s.model : undefined);
  put(attrs, GEN_AI.responseId, typeof res?.id === "string" ? res.id : undefined);
  const choices = Array.isArray(res?.choices) ? (res.choices as Obj[]) : [];
  put(attrs, GEN_AI.responseFinishReasons, choices.map((c) => c.finish_reason).filter((r): r is string => typeof r === "string"));
  const u = s.usage;
  if (u) {
    put(attrs, GEN_AI.usageInputTokens, num(u.prompt_tokens));
    put(attrs, GEN_AI.usageOutputTokens, num(u.completion_tokens));
    put(attrs, GEN_AI.usageCacheReadInputTokens, num(u.prompt_tokens_details?.cached_tokens));
    put(attrs, GEN_AI.usageReasoningOutputTokens, num(u.completion_tokens_details?.reasoning_tokens));
  }
  if (s.cost) put(attrs, GEN_AI.usageCost, s.cost.total_cost);
}

/** A message's text, whatever its content's shape (a string, or parts with text). */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((p) => (p && typeof p === "object" && typeof (p as Obj).text === "string" ? (p as Obj).text : "")).join("");
}

/** A chat message in the conventions' parts shape: text, then the tool calls it made. */
function toParts(m: Obj, finishReason?: unknown): Obj {
  const parts: Obj[] = [];
  if (m.role === "tool") parts.push({ type: "tool_call_response", id: m.tool_call_id ?? null, response: textOf(m.content) });
  else if (textOf(m.content)) parts.push({ type: "text", content: textOf(m.content) });
  for (const tc of Array.isArray(m.tool_calls) ? (m.tool_calls as Obj[]) : []) {
    const fn = (tc.function ?? {}) as Obj;
    parts.push({ type: "tool_call", id: tc.id ?? null, name: fn.name ?? null, arguments: fn.arguments ?? null });
  }
  return finishReason === undefined ? { role: m.role, parts } : { role: m.role, parts, finish_reason: finishReason };
}

function content(attrs: Attributes, req: Obj, res: Obj | null): void {
  if (Array.isArray(req.messages)) put(attrs, GEN_AI.inputMessages, JSON.stringify((req.messages as Obj[]).map((m) => toParts(m))));
  const choices = Array.isArray(res?.choices) ? (res.choices as Obj[]) : [];
  if (choices.length) put(attrs, GEN_AI.outputMessages, JSON.stringify(choices.map((c) => toParts((c.message ?? {}) as Obj, c.finish_reason ?? null))));
}

export function requestAttributes(s: RequestSummary, captureContent: boolean): Attributes {
  const req = s.request as Obj;
  const res = s.response as Obj | null;
  const attrs: Attributes = {
    [GEN_AI.operationName]: operationName(s.op),
    [GEN_AI.requestModel]: s.requestedModel,
    [GEN_AI.requestStream]: s.stream,
    [ATTR_HTTP_RESPONSE_STATUS_CODE]: s.status,
    "bifrost.request_id": s.requestId,
    "bifrost.outcome": s.outcome,
    "bifrost.retries": s.retries,
    "bifrost.fallback_index": s.fallbackIndex,
    "bifrost.attempts": s.attempts.length,
  };
  if (s.provider) {
    put(attrs, GEN_AI.providerName, providerName(s.provider));
    put(attrs, GEN_AI.system, providerName(s.provider));
    put(attrs, "bifrost.provider", s.provider);
  }
  put(attrs, "bifrost.key.name", s.keyName);
  put(attrs, "bifrost.answered_by", s.answeredBy);
  put(attrs, "bifrost.cache_hit", s.cacheHit);
  if (s.costMissing) attrs["bifrost.cost_missing"] = true;
  if (s.firstChunkMs !== null) attrs[GEN_AI.responseTimeToFirstChunk] = s.firstChunkMs / 1000;
  requestParams(attrs, req);
  responseFields(attrs, res, s);
  if (s.error) put(attrs, ATTR_ERROR_TYPE, s.error.code ?? s.error.type);
  if (captureContent) content(attrs, req, res);
  return attrs;
}

function attemptAttributes(a: AttemptRecord, op: string, retry: number): Attributes {
  const attrs: Attributes = {
    [GEN_AI.operationName]: op,
    [GEN_AI.providerName]: providerName(a.provider),
    [GEN_AI.system]: providerName(a.provider),
    [GEN_AI.requestModel]: a.model,
    [ATTR_HTTP_RESPONSE_STATUS_CODE]: a.status,
    "bifrost.provider": a.provider,
    "bifrost.fallback_index": a.fallbackIndex,
    "bifrost.retry": retry,
  };
  put(attrs, "bifrost.key.name", a.keyName);
  if (a.error) put(attrs, ATTR_ERROR_TYPE, a.error.code ?? a.error.type);
  return attrs;
}

/** Builds and ends every span of one finished request; they go to the batch processor at once. */
export function recordRequest(tracer: Tracer, ids: PresetIds, reqIds: RequestIds, s: RequestSummary, captureContent: boolean): void {
  const op = operationName(s.op);
  const parent: Context = reqIds.parent ? trace.setSpanContext(ROOT_CONTEXT, reqIds.parent) : ROOT_CONTEXT;
  const span = ids.using(reqIds, () =>
    tracer.startSpan(`${op} ${s.requestedModel}`, { kind: SpanKind.SERVER, startTime: s.startedAt, attributes: requestAttributes(s, captureContent) }, parent),
  );
  if (s.outcome === "error") span.setStatus({ code: SpanStatusCode.ERROR, message: s.error?.message });
  const inRequest = trace.setSpan(ROOT_CONTEXT, span);

  const triesPerCandidate = new Map<number, number>();
  for (const a of s.attempts) {
    const retry = triesPerCandidate.get(a.fallbackIndex) ?? 0;
    triesPerCandidate.set(a.fallbackIndex, retry + 1);
    const child = tracer.startSpan(`${op} ${a.model}`, { kind: SpanKind.CLIENT, startTime: a.startedAt, attributes: attemptAttributes(a, op, retry) }, inRequest);
    if (a.error) child.setStatus({ code: SpanStatusCode.ERROR, message: a.error.message });
    child.end(a.startedAt + a.durationMs);
  }
  for (const h of s.hooks) hookSpan(tracer, h, inRequest);
  span.end(s.startedAt + s.latencyMs);
}

function hookSpan(tracer: Tracer, h: HookTiming, parent: Context): void {
  const attrs = { "bifrost.plugin.name": h.plugin, "bifrost.plugin.hook": h.hook };
  tracer.startSpan(`plugin ${h.plugin} ${h.hook}`, { kind: SpanKind.INTERNAL, startTime: h.startedAt, attributes: attrs }, parent).end(h.startedAt + h.durationMs);
}

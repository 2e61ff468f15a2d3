/** An assistant answer built up from stream chunks (or read whole from a unary completion): text, usage, cost, who answered. */
import type { ChatChunkLike, Usage } from "./sse";

export interface Answer {
  text: string;
  /** A reasoning model's thinking, when the provider streams it (`reasoning` / `reasoning_content`). */
  reasoning: string;
  finishReason: string | null;
  usage: Usage | null;
  /** USD, from extra_fields.cost.total_cost (the usage chunk's, on a stream). */
  cost: number | null;
  /** The provider that answered (a fallback may differ from the one asked). */
  provider: string | null;
  model: string | null;
}

export const emptyAnswer = (): Answer => ({ text: "", reasoning: "", finishReason: null, usage: null, cost: null, provider: null, model: null });

/** Does the chunk carry any of the answer's text (the moment that counts as the first token)? */
export function carriesText(c: ChatChunkLike): boolean {
  return (c.choices ?? []).some((ch) => !!(ch.delta?.content || ch.delta?.reasoning || ch.delta?.reasoning_content || ch.delta?.refusal || ch.delta?.tool_calls?.length));
}

/** The answer with one more chunk: a new object when anything changed, so a render sees it. */
export function applyChunk(a: Answer, c: ChatChunkLike): Answer {
  const next = { ...a };
  for (const ch of c.choices ?? []) {
    if ((ch.index ?? 0) !== 0) continue; // the playground asks for one choice
    const d = ch.delta ?? {};
    if (d.content) next.text += d.content;
    if (d.refusal) next.text += d.refusal;
    const thinking = d.reasoning_content ?? d.reasoning;
    if (thinking) next.reasoning += thinking;
    if (ch.finish_reason) next.finishReason = ch.finish_reason;
  }
  if (c.usage) next.usage = c.usage;
  const cost = c.extra_fields?.cost?.total_cost;
  if (typeof cost === "number") next.cost = cost;
  if (c.extra_fields?.provider) next.provider = c.extra_fields.provider;
  if (c.model) next.model = c.model;
  return next;
}

/** A unary chat.completion body as an answer; `costHeader` (x-bf-cost) stands in when the body has no cost. */
export function fromCompletion(body: unknown, costHeader: string | null): Answer {
  const b = (body ?? {}) as {
    model?: string;
    choices?: Array<{ message?: { content?: unknown; refusal?: string | null; reasoning?: string | null; reasoning_content?: string | null; tool_calls?: unknown[] }; finish_reason?: string | null }>;
    usage?: Usage;
    extra_fields?: { provider?: string; cost?: { total_cost?: number } | null };
  };
  const choice = b.choices?.[0];
  const m = choice?.message ?? {};
  let text = typeof m.content === "string" ? m.content : Array.isArray(m.content) ? m.content.map((p: any) => (typeof p?.text === "string" ? p.text : "")).join("") : "";
  if (!text && m.refusal) text = m.refusal;
  if (!text && m.tool_calls?.length) text = JSON.stringify(m.tool_calls, null, 2);
  const bodyCost = b.extra_fields?.cost?.total_cost;
  const headerCost = costHeader !== null && costHeader !== "" ? Number(costHeader) : NaN;
  return {
    text,
    reasoning: m.reasoning_content ?? m.reasoning ?? "",
    finishReason: choice?.finish_reason ?? null,
    usage: b.usage ?? null,
    cost: typeof bodyCost === "number" ? bodyCost : Number.isFinite(headerCost) ? headerCost : null,
    provider: b.extra_fields?.provider ?? null,
    model: b.model ?? null,
  };
}

/** "openai/gpt-4o-mini": who answered, as the user names models. */
export function answeredBy(a: Answer): string | null {
  if (!a.model) return a.provider;
  return a.provider && !a.model.startsWith(`${a.provider}/`) ? `${a.provider}/${a.model}` : a.model;
}

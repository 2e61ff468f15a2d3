/**
 * A request as the cache sees it: the exact-match hash of its normalized form, and the text its
 * embedding is made of. What does not change the answer is left out (stream flags, fallbacks, the
 * user field); the model and provider count when cache_by_model / cache_by_provider say so.
 */
import type { AnyRequest } from "bifrost/plugin";

/** Fields that do not change what the model answers. */
const IGNORED = new Set(["model", "fallbacks", "stream", "stream_options", "user", "metadata", "store", "service_tier"]);

type Message = { role?: string; content?: unknown; [k: string]: unknown };

export interface HashOptions {
  byModel: boolean;
  byProvider: boolean;
  excludeSystem: boolean;
}

/** SHA-256 of the normalized request (keys sorted, so field order does not matter). */
export function normalizedHash(req: AnyRequest, provider: string, model: string, o: HashOptions): string {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(req)) if (!IGNORED.has(k) && v !== undefined) rest[k] = v;
  if (Array.isArray(rest.messages) && o.excludeSystem) rest.messages = (rest.messages as Message[]).filter((m) => m.role !== "system" && m.role !== "developer");
  const key = { ...rest, ...(o.byModel ? { model } : {}), ...(o.byProvider ? { provider } : {}) };
  return new Bun.CryptoHasher("sha256").update(stableJson(key)).digest("hex");
}

/** The text embedded for a semantic lookup: the messages' text, role by role. */
export function cacheText(req: AnyRequest, excludeSystem: boolean): string {
  const messages = ((req as { messages?: Message[] }).messages ?? []).filter((m) => !excludeSystem || (m.role !== "system" && m.role !== "developer"));
  return messages.map((m) => `${m.role ?? "user"}: ${textOf(m.content)}`).join("\n");
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (p && typeof p === "object" && typeof (p as { text?: unknown }).text === "string" ? (p as { text: string }).text : "")).join(" ");
  return "";
}

/** JSON with object keys sorted at every level. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v as object)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

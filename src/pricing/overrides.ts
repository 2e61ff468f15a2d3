/**
 * Go Bifrost's `pricing_overrides`: a list of partial price patches, each for the models its `model_pattern`
 * matches (`match_type` exact, wildcard with `*`, or regex), optionally only for some `request_types`. Prices are
 * USD per token / per unit, in Go's (LiteLLM's) field names. A field an override leaves out keeps the catalog's
 * price (Go's patchPricing), so `{"output_cost_per_token": …}` alone changes only the output price.
 *
 * Where they come from: `providers.<name>.pricing_overrides` (scope: that provider) and, when the lead wires one,
 * a list in Go's governance shape whose items carry `scope` ("global" | "provider" with `scope_id`).
 */
import { assertSafeRegex } from "../plugins/safe-regex";
import type { ModelPrice } from "./types";

export type MatchType = "exact" | "wildcard" | "regex";
export type TierPrice = NonNullable<ModelPrice["above"]>;

export interface PricingOverride {
  /** The configured provider name it applies to; undefined: every provider (Go's global scope). */
  provider?: string;
  pattern: string;
  matchType: MatchType;
  /** Compiled once, for matchType "regex". */
  regex?: RegExp;
  /** Normalised request types (`chat_completion_stream` → `chat_completion`); undefined: every request type. */
  requestTypes?: ReadonlySet<string>;
  /** The prices it sets; fields it leaves out keep the catalog's. */
  patch: Partial<Omit<ModelPrice, "above" | "tierThreshold" | "source">>;
  /** Prices above `tierThreshold` input tokens (Go's `_above_128k_tokens` / `_above_200k_tokens` fields). */
  tier?: { threshold: number; prices: TierPrice };
}

/** Go field → ModelPrice field, for the fields this gateway prices. */
const FIELDS: Record<string, keyof PricingOverride["patch"]> = {
  input_cost_per_token: "input",
  output_cost_per_token: "output",
  output_cost_per_reasoning_token: "reasoning",
  cache_read_input_token_cost: "cacheRead",
  cache_creation_input_token_cost: "cacheWrite",
  input_cost_per_audio_per_second: "perSecond",
  input_cost_per_character: "perCharacter",
  input_cost_per_image_token: "inputImage",
  output_cost_per_image_token: "outputImage",
  output_cost_per_image: "perImage",
  input_cost_per_token_batches: "batchInput",
  output_cost_per_token_batches: "batchOutput",
};

/** Go's tiered fields: [threshold, ModelPrice field]. */
const TIER_FIELDS: Record<string, [number, keyof TierPrice]> = {
  input_cost_per_token_above_128k_tokens: [128_000, "input"],
  output_cost_per_token_above_128k_tokens: [128_000, "output"],
  input_cost_per_token_above_200k_tokens: [200_000, "input"],
  output_cost_per_token_above_200k_tokens: [200_000, "output"],
  cache_read_input_token_cost_above_200k_tokens: [200_000, "cacheRead"],
  cache_creation_input_token_cost_above_200k_tokens: [200_000, "cacheWrite"],
};

/**
 * Go fields accepted so that a Go config loads, but not applied: this gateway has no video, per-image input pricing
 * or image size/quality tiers yet.
 */
const ACCEPTED_NOT_APPLIED = new Set([
  "input_cost_per_video_per_second",
  "input_cost_per_image_above_128k_tokens",
  "input_cost_per_video_per_second_above_128k_tokens",
  "input_cost_per_audio_per_second_above_128k_tokens",
  "input_cost_per_image",
  "output_cost_per_image_above_1024_and_1024_pixels",
  "output_cost_per_image_above_1024_and_1024_pixels_and_premium_image",
  "output_cost_per_image_above_2048_and_2048_pixels",
  "output_cost_per_image_above_4096_and_4096_pixels",
  "output_cost_per_image_low_quality",
  "output_cost_per_image_medium_quality",
  "output_cost_per_image_high_quality",
  "output_cost_per_image_auto_quality",
  "cache_read_input_image_token_cost",
]);

/** Fields of Go's governance (table) form. */
const META_FIELDS = new Set(["model_pattern", "match_type", "request_types", "id", "name", "description", "enabled", "scope", "scope_id", "config_hash", "created_at", "updated_at"]);

/** Go's request types an override may name (the `_stream` form counts as its base type). */
const REQUEST_TYPES = new Set(["text_completion", "chat_completion", "responses", "embedding", "rerank", "speech", "transcription", "image_generation"]);

/** `chat_completion_stream` → `chat_completion`: Go prices a stream like its unary form. */
export const baseRequestType = (t: string): string => (t.endsWith("_stream") ? t.slice(0, -"_stream".length) : t);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Parses and checks a `pricing_overrides` list. `at` is its JSON path (errors name the bad field's path);
 * `provider` scopes every item to that provider (the `providers.<name>.pricing_overrides` form).
 */
export function parsePricingOverrides(raw: unknown, at: string, provider?: string): PricingOverride[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new Error(`${at}: must be an array of pricing overrides`);
  const out: PricingOverride[] = [];
  raw.forEach((item, i) => {
    const parsed = parseOne(item, `${at}[${i}]`, provider);
    if (parsed) out.push(parsed);
  });
  return out;
}

function parseOne(item: unknown, at: string, provider: string | undefined): PricingOverride | null {
  if (!isRecord(item)) throw new Error(`${at}: must be an object`);
  if (item.enabled !== undefined && typeof item.enabled !== "boolean") throw new Error(`${at}.enabled: must be a boolean`);
  if (item.enabled === false) return null;

  const pattern = typeof item.model_pattern === "string" ? item.model_pattern.trim() : "";
  if (!pattern) throw new Error(`${at}.model_pattern: must be a non-empty string`);
  const matchType = item.match_type;
  if (matchType !== "exact" && matchType !== "wildcard" && matchType !== "regex") {
    throw new Error(`${at}.match_type: must be "exact", "wildcard" or "regex"`);
  }
  const override: PricingOverride = { pattern, matchType, patch: {}, ...scopeOf(item, at, provider) };
  if (matchType === "wildcard" && !pattern.includes("*")) throw new Error(`${at}.model_pattern: a wildcard pattern must contain '*'`);
  if (matchType === "regex") {
    assertSafeRegex(pattern, `${at}.model_pattern`);
    try {
      override.regex = new RegExp(pattern);
    } catch (e) {
      throw new Error(`${at}.model_pattern: invalid regex: ${(e as Error).message}`);
    }
  }
  if (item.request_types !== undefined && item.request_types !== null) {
    if (!Array.isArray(item.request_types)) throw new Error(`${at}.request_types: must be an array of request types`);
    const types = new Set<string>();
    item.request_types.forEach((t, j) => {
      if (typeof t !== "string" || !REQUEST_TYPES.has(baseRequestType(t))) {
        throw new Error(`${at}.request_types[${j}]: unknown request type ${JSON.stringify(t)}; one of ${[...REQUEST_TYPES].join(", ")} (or their _stream form)`);
      }
      types.add(baseRequestType(t));
    });
    if (types.size > 0) override.requestTypes = types;
  }

  for (const [key, value] of Object.entries(item)) {
    if (META_FIELDS.has(key)) continue;
    const field = FIELDS[key];
    const tier = TIER_FIELDS[key];
    if (!field && !tier && !ACCEPTED_NOT_APPLIED.has(key)) throw new Error(`${at}.${key}: unknown pricing override field`);
    if (value === null || value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new Error(`${at}.${key}: must be a non-negative number (USD per unit)`);
    if (field) override.patch[field] = value;
    else if (tier) {
      const [threshold, name] = tier;
      if (override.tier && override.tier.threshold !== threshold) {
        throw new Error(`${at}.${key}: give either the _above_128k_tokens or the _above_200k_tokens prices, not both`);
      }
      override.tier ??= { threshold, prices: {} };
      override.tier.prices[name] = value;
    }
  }
  return override;
}

function scopeOf(item: Record<string, unknown>, at: string, provider: string | undefined): { provider?: string } {
  if (provider !== undefined) return { provider };
  const scope = item.scope ?? "global";
  if (scope === "global") return {};
  if (scope === "provider") {
    if (typeof item.scope_id !== "string" || !item.scope_id.trim()) throw new Error(`${at}.scope_id: required for scope "provider" (the provider's name)`);
    return { provider: item.scope_id.trim() };
  }
  throw new Error(`${at}.scope: ${JSON.stringify(scope)} is not supported here; use "global" or "provider"`);
}

/** Go's wildcard match: `*` stands for any run of characters, the rest is literal. */
export function wildcardMatch(pattern: string, model: string): boolean {
  const parts = pattern.split("*");
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!model.startsWith(first)) return false;
  let pos = first.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i]!;
    if (!part) continue;
    const found = model.indexOf(part, pos);
    if (found < 0) return false;
    pos = found + part.length;
  }
  return model.length - last.length >= pos && model.endsWith(last);
}

function matches(o: PricingOverride, model: string): boolean {
  if (o.matchType === "exact") return o.pattern === model;
  if (o.matchType === "wildcard") return wildcardMatch(o.pattern, model);
  return o.regex!.test(model);
}

/** How many literal characters a pattern has: the more specific pattern wins a tie (Go's literalChars). */
const literalChars = (o: PricingOverride) => (o.matchType === "wildcard" ? o.pattern.replaceAll("*", "").length : o.pattern.length);
const RANK: Record<MatchType, number> = { exact: 0, wildcard: 1, regex: 2 };

/**
 * The override that applies, as Go picks it: the provider's own overrides before global ones; then exact before
 * wildcard before regex; one naming the request type before one for every type; the more literal characters;
 * the earlier in the list.
 */
export function selectOverride(overrides: readonly PricingOverride[], provider: string, model: string, requestType: string | undefined): PricingOverride | null {
  const type = requestType === undefined ? undefined : baseRequestType(requestType);
  for (const scoped of [true, false]) {
    let best: PricingOverride | null = null;
    for (const o of overrides) {
      if (scoped ? o.provider !== provider : o.provider !== undefined) continue;
      if (o.requestTypes && (type === undefined || !o.requestTypes.has(type))) continue;
      if (!matches(o, model)) continue;
      if (!best || better(o, best)) best = o;
    }
    if (best) return best;
  }
  return null;
}

function better(a: PricingOverride, b: PricingOverride): boolean {
  if (RANK[a.matchType] !== RANK[b.matchType]) return RANK[a.matchType] < RANK[b.matchType];
  if (!!a.requestTypes !== !!b.requestTypes) return !!a.requestTypes;
  return literalChars(a) > literalChars(b); // equal: the earlier (already best) stays
}

/** The catalog's price patched field by field; a model the catalog lacks is priced by the override alone (unset fields 0). */
export function applyOverride(base: ModelPrice | null, o: PricingOverride): ModelPrice {
  const price: ModelPrice = { ...(base ?? { input: 0, output: 0 }), ...o.patch, source: "override" };
  if (o.tier) {
    const sameTier = base?.tierThreshold === o.tier.threshold;
    price.tierThreshold = o.tier.threshold;
    price.above = sameTier ? { ...base!.above, ...o.tier.prices } : { ...o.tier.prices };
  }
  return price;
}

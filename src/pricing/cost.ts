/**
 * Usage → Cost. Pure: a ModelPrice (catalog or override), the op, and what the answer reported.
 * Token counts are read in OpenAI's chat shape (prompt_tokens, prompt_tokens_details.{cached_tokens,
 * cache_write_tokens, audio_tokens, image_tokens}, completion_tokens_details.{reasoning_tokens, audio_tokens,
 * image_tokens}) and in the Responses / images / transcription shape (input_tokens, input_tokens_details, …).
 * Buckets: input_tokens_cost is uncached text input; cache reads and writes, reasoning, audio and image tokens
 * each have their own field; output_tokens_cost is the rest of the output. total_cost is their sum.
 */
import type { Cost } from "../plugins/types";
import type { Op } from "../schemas/ops";
import type { Usage } from "../schemas/chat";
import type { ModelPrice } from "./types";

export function zeroCost(): Cost {
  return { total_cost: 0, input_tokens_cost: 0, output_tokens_cost: 0, cache_read_cost: 0, cache_write_cost: 0, reasoning_cost: 0, image_cost: 0, audio_cost: 0 };
}

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0);
const rec = (v: unknown): Record<string, unknown> => (typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {});
/** Sums of many small products pick up binary noise (0.1 + 0.2): cut it at 1e-12 USD. */
const round = (x: number) => Math.round(x * 1e12) / 1e12;

interface Counts {
  prompt: number;
  cacheRead: number;
  cacheWrite: number;
  audioIn: number;
  imageIn: number;
  completion: number;
  reasoning: number;
  audioOut: number;
  imageOut: number;
}

/** The token counts of a usage object, in either OpenAI shape; null when it has none. */
export function tokenCounts(usage: unknown): Counts | null {
  const u = rec(usage);
  const chat = typeof u.prompt_tokens === "number" || typeof u.completion_tokens === "number";
  if (!chat && typeof u.input_tokens !== "number" && typeof u.output_tokens !== "number") return null;
  const inD = rec(chat ? u.prompt_tokens_details : (u.input_tokens_details ?? u.input_token_details));
  const outD = rec(chat ? u.completion_tokens_details : (u.output_tokens_details ?? u.output_token_details));
  return {
    prompt: num(chat ? u.prompt_tokens : u.input_tokens),
    cacheRead: num(inD.cached_tokens),
    cacheWrite: num(inD.cache_write_tokens),
    audioIn: num(inD.audio_tokens),
    imageIn: num(inD.image_tokens),
    completion: num(chat ? u.completion_tokens : u.output_tokens),
    reasoning: num(outD.reasoning_tokens),
    audioOut: num(outD.audio_tokens),
    imageOut: num(outD.image_tokens),
  };
}

/** Seconds of audio a transcription answer reports (`usage.seconds` of type "duration", or verbose `duration`). */
function audioSeconds(response: unknown): number {
  const r = rec(response);
  return num(rec(r.usage).seconds) || num(r.duration);
}

/**
 * What the answer cost at `price`. Null when the answer carries nothing to price by (no token usage, no audio
 * seconds, no images, no input characters): the cost is then unknown, not 0.
 */
export function costOf(price: ModelPrice, op: Op, usage: Usage | null | undefined, request?: unknown, response?: unknown): Cost | null {
  const cost = zeroCost();
  let measured = false;
  const counts = tokenCounts(usage) ?? tokenCounts(rec(response).usage);
  if (counts) {
    measured = true;
    addTokens(cost, counts, price, op);
  }
  if (op === "transcription" && price.perSecond !== undefined) {
    const seconds = audioSeconds(response);
    if (seconds > 0) {
      // Per-second pricing (whisper) replaces token pricing for the audio.
      Object.assign(cost, zeroCost(), { audio_cost: seconds * price.perSecond });
      measured = true;
    }
  }
  if (op === "speech" && price.perCharacter !== undefined) {
    const input = rec(request).input;
    if (typeof input === "string") {
      cost.audio_cost += input.length * price.perCharacter;
      measured = true;
    }
  }
  if (op === "imageGeneration" && price.perImage !== undefined) {
    const data = rec(response).data;
    if (Array.isArray(data)) {
      cost.image_cost += data.length * price.perImage;
      measured = true;
    }
  }
  if (!measured) return null;
  let total = 0;
  for (const k of Object.keys(cost) as (keyof Cost)[]) {
    if (k === "total_cost") continue;
    cost[k] = round(cost[k]);
    total += cost[k];
  }
  cost.total_cost = round(total);
  return cost;
}

function addTokens(cost: Cost, c: Counts, base: ModelPrice, op: Op): void {
  const p = base.tierThreshold !== undefined && base.above && c.prompt > base.tierThreshold ? { ...base, ...base.above } : base;
  // Cached, audio and image tokens are parts of prompt_tokens; the rest is uncached text.
  const text = Math.max(0, c.prompt - c.cacheRead - c.cacheWrite - c.audioIn - c.imageIn);
  cost.input_tokens_cost += text * p.input;
  cost.cache_read_cost += c.cacheRead * (p.cacheRead ?? p.input);
  cost.cache_write_cost += c.cacheWrite * (p.cacheWrite ?? p.input);
  cost.audio_cost += c.audioIn * (p.inputAudio ?? p.input);
  cost.image_cost += c.imageIn * (p.inputImage ?? p.input);
  // Reasoning, audio and image tokens are parts of completion_tokens.
  const reasoning = Math.min(c.reasoning, c.completion);
  const rest = Math.max(0, c.completion - reasoning - c.audioOut - c.imageOut);
  cost.reasoning_cost += reasoning * (p.reasoning ?? p.output);
  cost.audio_cost += c.audioOut * (p.outputAudio ?? p.output);
  cost.image_cost += c.imageOut * (p.outputImage ?? p.output);
  // An image model's output tokens are the image (gpt-image-1 reports them without details).
  if (op === "imageGeneration" && c.imageOut === 0) cost.image_cost += rest * (p.outputImage ?? p.output);
  else cost.output_tokens_cost += rest * p.output;
}

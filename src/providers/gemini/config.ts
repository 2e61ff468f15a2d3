/** Canonical sampling, length, format and reasoning options → Gemini's generationConfig. */
import type { ChatRequest } from "../../schemas/chat";
import { toGeminiSchema } from "./schema";
import { toThinkingConfig } from "./thinking";
import type { GeminiGenerationConfig } from "./types";

export function toGenerationConfig(req: ChatRequest): GeminiGenerationConfig | undefined {
  const c: GeminiGenerationConfig = {};
  if (req.temperature !== undefined) c.temperature = req.temperature;
  if (req.top_p !== undefined) c.topP = req.top_p;
  if (req.top_k !== undefined) c.topK = req.top_k;
  const max = req.max_completion_tokens ?? req.max_tokens;
  if (max !== undefined) c.maxOutputTokens = max;
  const stop = typeof req.stop === "string" ? [req.stop] : req.stop;
  if (stop && stop.length) c.stopSequences = stop;
  if (req.n !== undefined) c.candidateCount = req.n;
  if (req.seed !== undefined) c.seed = req.seed;
  if (req.presence_penalty !== undefined) c.presencePenalty = req.presence_penalty;
  if (req.frequency_penalty !== undefined) c.frequencyPenalty = req.frequency_penalty;

  const format = req.response_format as { type: string; json_schema?: { schema?: unknown } } | undefined;
  if (format?.type === "json_object" || format?.type === "json_schema") {
    c.responseMimeType = "application/json";
    if (format.type === "json_schema" && format.json_schema?.schema) c.responseSchema = toGeminiSchema(format.json_schema.schema);
  }
  const thinking = toThinkingConfig(req);
  if (thinking) c.thinkingConfig = thinking;
  return Object.keys(c).length ? c : undefined;
}

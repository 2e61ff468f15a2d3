/** GenAI generationConfig → canonical sampling, length, format and reasoning fields. */
import type { ChatRequest } from "../../schemas/chat";
import { field, isObject } from "./fields";
import { toJsonSchema } from "./schema";

const NAMES: Array<[string, keyof ChatRequest]> = [
  ["temperature", "temperature"],
  ["topP", "top_p"],
  ["topK", "top_k"],
  ["maxOutputTokens", "max_tokens"],
  ["candidateCount", "n"],
  ["seed", "seed"],
  ["presencePenalty", "presence_penalty"],
  ["frequencyPenalty", "frequency_penalty"],
];

export function applyGenerationConfig(config: unknown, req: ChatRequest): void {
  if (!isObject(config)) return;
  for (const [from, to] of NAMES) {
    const v = field(config, from);
    if (v !== undefined && v !== null) (req as Record<string, unknown>)[to] = v;
  }
  const stop = field(config, "stopSequences");
  if (Array.isArray(stop) && stop.length) req.stop = stop;

  if (field(config, "responseMimeType") === "application/json") {
    const jsonSchema = field(config, "responseJsonSchema");
    const schema = jsonSchema ?? (field(config, "responseSchema") !== undefined ? toJsonSchema(field(config, "responseSchema")) : undefined);
    req.response_format = schema ? ({ type: "json_schema", json_schema: { name: "response", schema } } as ChatRequest["response_format"]) : { type: "json_object" };
  }

  const thinking = field(config, "thinkingConfig");
  const budget = field(thinking, "thinkingBudget");
  const level = field(thinking, "thinkingLevel");
  // -1 asks for Gemini's dynamic budget: the target model's default.
  if (typeof budget === "number" && budget >= 0) req.reasoning = { max_tokens: budget };
  else if (typeof level === "string" && level) req.reasoning_effort = level.toLowerCase();
}

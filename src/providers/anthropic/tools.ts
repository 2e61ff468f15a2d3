/** Canonical tools and tool_choice → Anthropic's tools and tool_choice. */
import type { ChatRequest } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { AnthropicTool, AnthropicToolChoice } from "./types";

const EMPTY_SCHEMA = { type: "object", properties: {} };

export function toAnthropicTools(tools: NonNullable<ChatRequest["tools"]>): AnthropicTool[] {
  return tools.map((tool, i) => {
    if (tool.type !== "function") {
      throw BifrostError.badRequest(`tool type "${tool.type}" is not supported by anthropic`, `tools[${i}].type`);
    }
    const { name, description, parameters } = tool.function;
    // Anthropic requires input_schema.type "object"; OpenAI lets it be implied.
    const input_schema = parameters ? { type: "object", ...parameters } : EMPTY_SCHEMA;
    const out: AnthropicTool = description === undefined ? { name, input_schema } : { name, description, input_schema };
    const cache = (tool as { cache_control?: AnthropicTool["cache_control"] }).cache_control;
    if (cache) out.cache_control = cache;
    return out;
  });
}

/** undefined means "let Anthropic default" (auto, parallel allowed). */
export function toAnthropicToolChoice(
  choice: ChatRequest["tool_choice"],
  parallelToolCalls: boolean | undefined,
): AnthropicToolChoice | undefined {
  const mapped = mapChoice(choice ?? (parallelToolCalls === false ? "auto" : undefined));
  if (mapped && mapped.type !== "none" && parallelToolCalls === false) return { ...mapped, disable_parallel_tool_use: true };
  return mapped;
}

function mapChoice(choice: ChatRequest["tool_choice"]): AnthropicToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (choice === "auto") return { type: "auto" };
  if (choice === "required") return { type: "any" };
  if (choice === "none") return { type: "none" };
  if (typeof choice === "object" && choice.type === "function" && choice.function?.name) {
    return { type: "tool", name: choice.function.name };
  }
  throw BifrostError.badRequest("tool_choice must be \"auto\", \"required\", \"none\" or {type:\"function\",function:{name}}", "tool_choice");
}

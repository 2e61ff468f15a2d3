/** Canonical tools and tool_choice → Anthropic's tools and tool_choice. */
import { isFunctionTool, type ChatRequest } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { AnthropicCacheControl, AnthropicClientTool, AnthropicTool, AnthropicToolChoice } from "./types";

const EMPTY_SCHEMA = { type: "object", properties: {} };

/** Anthropic's own tools (server tools it runs, and Anthropic-defined client tools) are versioned types: `web_search_20250305`, `bash_20250124`, … */
const ANTHROPIC_TOOL_TYPE = /^[a-z][a-z0-9_]*_\d{8}$/;

export function toAnthropicTools(tools: NonNullable<ChatRequest["tools"]>): AnthropicTool[] {
  return tools.map((tool, i) => {
    if (!isFunctionTool(tool)) {
      if (ANTHROPIC_TOOL_TYPE.test(tool.type)) return tool as AnthropicTool;
      throw BifrostError.badRequest(`tool type "${tool.type}" is not supported by anthropic (function tools and Anthropic's own versioned tools such as web_search_20250305)`, `tools[${i}].type`);
    }
    const { name, description, parameters } = tool.function;
    // Anthropic requires input_schema.type "object"; OpenAI lets it be implied.
    const input_schema = parameters ? { type: "object", ...parameters } : EMPTY_SCHEMA;
    const out: AnthropicClientTool = description === undefined ? { name, input_schema } : { name, description, input_schema };
    if (tool.cache_control) out.cache_control = tool.cache_control as AnthropicCacheControl;
    return out;
  });
}

/** Tools still in beta at Anthropic need their beta header. */
const BETAS: Record<string, string> = { code_execution_20250522: "code-execution-2025-05-22" };

export function toolBetas(tools: AnthropicTool[] | undefined): string[] {
  return [...new Set((tools ?? []).flatMap((t) => (t.type && BETAS[t.type] ? [BETAS[t.type]!] : [])))];
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

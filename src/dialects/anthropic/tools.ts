/** Anthropic tools and tool_choice → canonical (OpenAI) tools, tool_choice and parallel_tool_calls. */
import type { ChatRequest, FunctionTool } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";

type Tools = NonNullable<ChatRequest["tools"]>;

const EMPTY_SCHEMA = { type: "object", properties: {} };

/** Anthropic's own tools (web_search_…, code_execution_…, bash_…, text_editor_…) pass as they are: Anthropic (or Claude on Vertex) runs or defines them, other providers answer 400. */
export function toChatTools(tools: unknown): Tools {
  if (!Array.isArray(tools)) throw BifrostError.badRequest("tools: must be an array", "tools");
  return tools.map((t: any, i): Tools[number] => {
    if (t?.type !== undefined && t.type !== null && t.type !== "custom") {
      if (typeof t.type !== "string" || t.type === "function") throw BifrostError.badRequest(`tools[${i}].type: unsupported tool type "${t.type}"`, `tools[${i}].type`);
      return t;
    }
    if (typeof t?.name !== "string" || !t.name) throw BifrostError.badRequest(`tools[${i}].name: field required`, `tools[${i}].name`);
    const fn: FunctionTool["function"] = { name: t.name, parameters: t.input_schema ?? EMPTY_SCHEMA };
    if (typeof t.description === "string") fn.description = t.description;
    // Prompt caching marks the last tool: kept for Anthropic upstreams, dropped by the others' adapters.
    return t.cache_control ? { type: "function", function: fn, cache_control: t.cache_control } : { type: "function", function: fn };
  });
}

export interface ChatToolChoice {
  tool_choice?: ChatRequest["tool_choice"];
  parallel_tool_calls?: boolean;
}

export function toChatToolChoice(choice: any): ChatToolChoice {
  if (choice == null) return {};
  const out: ChatToolChoice = {};
  switch (choice.type) {
    case "auto":
      out.tool_choice = "auto";
      break;
    case "any":
      out.tool_choice = "required";
      break;
    case "none":
      out.tool_choice = "none";
      break;
    case "tool":
      if (typeof choice.name !== "string" || !choice.name) throw BifrostError.badRequest("tool_choice.name: field required", "tool_choice.name");
      out.tool_choice = { type: "function", function: { name: choice.name } };
      break;
    default:
      throw BifrostError.badRequest('tool_choice.type: must be "auto", "any", "tool" or "none"', "tool_choice.type");
  }
  if (choice.disable_parallel_tool_use === true) out.parallel_tool_calls = false;
  return out;
}

/** Converse toolConfig → canonical (OpenAI) tools and tool_choice. */
import type { ChatRequest, FunctionTool } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";

type Tools = NonNullable<ChatRequest["tools"]>;

const EMPTY_SCHEMA = { type: "object", properties: {} };

export function toChatTools(config: any): Pick<ChatRequest, "tools" | "tool_choice"> {
  if (!config || typeof config !== "object") throw BifrostError.badRequest("toolConfig: must be an object", "toolConfig");
  if (!Array.isArray(config.tools)) throw BifrostError.badRequest("toolConfig.tools: must be an array", "toolConfig.tools");
  const tools: Tools = [];
  config.tools.forEach((t: any, i: number) => {
    // A cache point between tools has no canonical equivalent.
    if (t?.cachePoint) return;
    const spec = t?.toolSpec;
    if (!spec) throw BifrostError.badRequest(`toolConfig.tools[${i}]: only toolSpec tools are supported`, `toolConfig.tools[${i}]`);
    if (typeof spec.name !== "string" || !spec.name) throw BifrostError.badRequest(`toolConfig.tools[${i}].toolSpec.name: field required`, `toolConfig.tools[${i}].toolSpec.name`);
    const fn: FunctionTool["function"] = { name: spec.name, parameters: spec.inputSchema?.json ?? EMPTY_SCHEMA };
    if (typeof spec.description === "string") fn.description = spec.description;
    tools.push({ type: "function", function: fn });
  });
  const out: Pick<ChatRequest, "tools" | "tool_choice"> = {};
  if (tools.length) out.tools = tools;
  const choice = toChatToolChoice(config.toolChoice);
  if (choice && tools.length) out.tool_choice = choice;
  return out;
}

function toChatToolChoice(choice: any): ChatRequest["tool_choice"] | undefined {
  if (choice == null) return undefined;
  if (choice.auto) return "auto";
  if (choice.any) return "required";
  if (choice.tool) {
    if (typeof choice.tool.name !== "string" || !choice.tool.name) throw BifrostError.badRequest("toolConfig.toolChoice.tool.name: field required", "toolConfig.toolChoice.tool.name");
    return { type: "function", function: { name: choice.tool.name } };
  }
  throw BifrostError.badRequest("toolConfig.toolChoice: must be {auto:{}}, {any:{}} or {tool:{name}}", "toolConfig.toolChoice");
}

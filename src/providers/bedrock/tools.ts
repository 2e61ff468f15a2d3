/** Canonical tools and tool_choice → Converse's toolConfig. */
import { isFunctionTool, type ChatRequest } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { ConverseToolChoice, ConverseToolConfig } from "./types";

const EMPTY_SCHEMA = { type: "object", properties: {} };

/** undefined: no toolConfig. tool_choice "none" drops the tools, since Converse has no "none". */
export function toToolConfig(req: ChatRequest): ConverseToolConfig | undefined {
  if (!req.tools?.length || req.tool_choice === "none") return undefined;
  const tools = req.tools.flatMap((tool, i): ConverseToolConfig["tools"] => {
    if (!isFunctionTool(tool)) throw BifrostError.badRequest(`tool type "${tool.type}" is not supported by bedrock`, `tools[${i}].type`);
    const { name, description, parameters } = tool.function;
    // Converse (like Anthropic) wants an object schema; OpenAI lets "type" be implied.
    const json = parameters ? { type: "object", ...parameters } : EMPTY_SCHEMA;
    const spec = { toolSpec: description === undefined ? { name, inputSchema: { json } } : { name, description, inputSchema: { json } } };
    // A cache_control mark (Anthropic's prompt caching) becomes a cachePoint after the tool.
    return tool.cache_control ? [spec, { cachePoint: { type: "default" } }] : [spec];
  });
  const toolChoice = toToolChoice(req.tool_choice);
  return toolChoice ? { tools, toolChoice } : { tools };
}

function toToolChoice(choice: ChatRequest["tool_choice"]): ConverseToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (choice === "auto") return { auto: {} };
  if (choice === "required") return { any: {} };
  if (typeof choice === "object" && choice.type === "function" && choice.function?.name) return { tool: { name: choice.function.name } };
  throw BifrostError.badRequest('tool_choice must be "auto", "required", "none" or {type:"function",function:{name}}', "tool_choice");
}

/** Cohere v2 tools, strict_tools and tool_choice → canonical tools and tool_choice. */
import type { ChatRequest } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";

export function toChatTools(tools: unknown, strict: boolean): NonNullable<ChatRequest["tools"]> {
  if (!Array.isArray(tools)) throw BifrostError.badRequest("tools: must be a list", "tools");
  return tools.map((t: any, i) => {
    const fn = t?.function;
    if (t?.type !== "function" || typeof fn?.name !== "string" || !fn.name) {
      // v1 tools ({name, parameter_definitions}) are a different API.
      throw BifrostError.badRequest(`tools[${i}]: expected {type:"function", function:{name, description?, parameters?}}`, `tools[${i}]`);
    }
    const out: NonNullable<ChatRequest["tools"]>[number] = { type: "function", function: { name: fn.name } };
    if (typeof fn.description === "string") out.function.description = fn.description;
    if (fn.parameters && typeof fn.parameters === "object") out.function.parameters = fn.parameters;
    if (strict) out.function.strict = true;
    return out;
  });
}

export function toChatToolChoice(choice: unknown): Pick<ChatRequest, "tool_choice"> {
  if (choice == null) return {};
  if (choice === "REQUIRED") return { tool_choice: "required" };
  if (choice === "NONE") return { tool_choice: "none" };
  throw BifrostError.badRequest('tool_choice: must be "REQUIRED" or "NONE"', "tool_choice");
}

/** Responses tools, tool_choice and text.format → their chat-completions forms. */
import type { ChatRequest, FunctionTool } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";

type Tools = NonNullable<ChatRequest["tools"]>;

/**
 * Hosted tools (web_search, file_search, code_interpreter, mcp, …) run inside OpenAI's Responses API. Requests with
 * them go to providers that serve it natively as they are (src/http/responses.ts); this translation goes through
 * chat completions, where no provider runs them, so here they are a 400 that says so.
 */
export function toChatTools(tools: unknown): Tools {
  if (!Array.isArray(tools)) throw BifrostError.badRequest("tools: must be an array", "tools");
  return tools.map((t: any, i): Tools[number] => {
    if (t?.type !== "function") {
      throw BifrostError.badRequest(`tools[${i}].type: unsupported tool type "${t?.type}"; OpenAI's hosted tools run only on providers that serve its Responses API natively (openai, azure); through chat completions only function tools are supported`, `tools[${i}].type`);
    }
    if (typeof t.name !== "string" || !t.name) throw BifrostError.badRequest(`tools[${i}].name: field required`, `tools[${i}].name`);
    const fn: FunctionTool["function"] = { name: t.name };
    if (typeof t.description === "string") fn.description = t.description;
    if (t.parameters && typeof t.parameters === "object") fn.parameters = t.parameters;
    if (typeof t.strict === "boolean") fn.strict = t.strict;
    return { type: "function", function: fn };
  });
}

export function toChatToolChoice(choice: any): ChatRequest["tool_choice"] {
  if (choice === "auto" || choice === "none" || choice === "required") return choice;
  if (choice?.type === "function" && typeof choice.name === "string" && choice.name) return { type: "function", function: { name: choice.name } };
  throw BifrostError.badRequest('tool_choice: must be "auto", "none", "required" or {type:"function", name}', "tool_choice");
}

/** text.format → response_format; plain text needs none. */
export function toResponseFormat(format: any): ChatRequest["response_format"] | undefined {
  if (format == null || format.type === "text") return undefined;
  if (format.type === "json_object") return { type: "json_object" };
  if (format.type === "json_schema") {
    if (typeof format.name !== "string" || !format.name) throw BifrostError.badRequest("text.format.name: field required", "text.format.name");
    const json_schema: Record<string, unknown> = { name: format.name, schema: format.schema ?? {} };
    if (typeof format.description === "string") json_schema.description = format.description;
    if (typeof format.strict === "boolean") json_schema.strict = format.strict;
    return { type: "json_schema", json_schema } as ChatRequest["response_format"];
  }
  throw BifrostError.badRequest('text.format.type: must be "text", "json_object" or "json_schema"', "text.format.type");
}

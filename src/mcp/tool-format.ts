/** Pure translations between MCP tools/results and the chat and Responses wire shapes. */
import type { FunctionTool, ToolCall } from "../schemas/chat";
import { BifrostError } from "../schemas/error";
import type { McpTool, McpToolResult } from "./types";

/** An MCP tool as an OpenAI function tool, named `<client>-<tool>`. */
export function toFunctionTool(tool: McpTool): FunctionTool {
  const fn: FunctionTool["function"] = { name: tool.name, parameters: functionParameters(tool.inputSchema) };
  if (tool.description) fn.description = tool.description;
  return { type: "function", function: fn };
}

/**
 * An MCP input schema as OpenAI function parameters: always an object schema with `properties`
 * (OpenAI rejects one without), no `$schema` (some providers reject the meta key).
 */
export function functionParameters(schema: Record<string, unknown> | undefined): Record<string, unknown> {
  const { $schema: _drop, ...rest } = schema ?? {};
  const out: Record<string, unknown> = { ...rest, type: "object" };
  if (!out.properties || typeof out.properties !== "object") out.properties = {};
  return out;
}

export interface ToolInvocation {
  name: string;
  args: Record<string, unknown>;
}

/** A chat tool call `{id, type:"function", function:{name, arguments}}` → name and parsed arguments (bad JSON: 400). */
export function fromChatToolCall(call: ToolCall): ToolInvocation {
  const name = call?.function?.name;
  if (typeof name !== "string" || !name) throw BifrostError.badRequest("tool call has no function name", "function.name");
  return { name, args: parseArguments(call.function.arguments, "function.arguments") };
}

/** A Responses `function_call` item `{type, call_id, name, arguments}` → name and parsed arguments. */
export function fromResponsesFunctionCall(item: { type?: string; call_id?: string; name?: string; arguments?: string }): ToolInvocation {
  if (item?.type !== undefined && item.type !== "function_call") throw BifrostError.badRequest(`expected a function_call item, got ${item.type}`, "type");
  if (typeof item?.name !== "string" || !item.name) throw BifrostError.badRequest("function_call has no name", "name");
  return { name: item.name, args: parseArguments(item.arguments, "arguments") };
}

/** The result as a chat tool message. */
export function toChatToolMessage(toolCallId: string, result: McpToolResult): { role: "tool"; tool_call_id: string; content: string } {
  return { role: "tool", tool_call_id: toolCallId, content: result.content };
}

/** The result as a Responses `function_call_output` item. */
export function toFunctionCallOutput(callId: string, result: McpToolResult): { type: "function_call_output"; call_id: string; output: string } {
  return { type: "function_call_output", call_id: callId, output: result.content };
}

/** Arguments are a JSON object in a string; an empty string means no arguments (some models send ""). */
function parseArguments(raw: unknown, param: string): Record<string, unknown> {
  if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) return {};
  if (typeof raw === "object" && !Array.isArray(raw)) return raw as Record<string, unknown>;
  if (typeof raw !== "string") throw BifrostError.badRequest("tool call arguments must be a JSON object in a string", param);
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw BifrostError.badRequest("tool call arguments are not valid JSON", param);
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) throw BifrostError.badRequest("tool call arguments must be a JSON object", param);
  return v as Record<string, unknown>;
}

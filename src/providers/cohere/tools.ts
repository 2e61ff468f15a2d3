/** Canonical tools and tool_choice → Cohere's tools, strict_tools and tool_choice (REQUIRED / NONE). */
import { isFunctionTool, type ChatRequest } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { CohereTool, CohereToolChoice } from "./types";

export interface CohereToolFields {
  tools?: CohereTool[];
  strict_tools?: boolean;
  tool_choice?: CohereToolChoice;
}

export function toCohereTools(req: Pick<ChatRequest, "tools" | "tool_choice">): CohereToolFields {
  const tools = req.tools ?? [];
  // tool_choice without tools is a Cohere 400, and means nothing anyway.
  if (tools.length === 0) return {};
  const choice = req.tool_choice;
  const forced = typeof choice === "object" && choice !== null ? forcedName(choice) : null;
  // Cohere cannot force one named tool: offering only that tool, with REQUIRED, does the same.
  const offered = forced === null ? tools : tools.filter((t) => isFunctionTool(t) && t.function.name === forced);
  if (offered.length === 0) throw BifrostError.badRequest(`tool_choice names "${forced}", which is not in tools`, "tool_choice.function.name");
  const converted = tools.map(toCohereTool);
  const out: CohereToolFields = { tools: forced === null ? converted : converted.filter((t) => t.function.name === forced) };
  // Cohere's strictness is per request; one strict tool asks for it.
  if (offered.some((t) => isFunctionTool(t) && t.function.strict === true)) out.strict_tools = true;
  if (choice === "required" || forced !== null) out.tool_choice = "REQUIRED";
  else if (choice === "none") out.tool_choice = "NONE";
  else if (choice !== undefined && choice !== "auto") throw invalidChoice();
  return out;
}

function toCohereTool(tool: NonNullable<ChatRequest["tools"]>[number], i: number): CohereTool {
  if (!isFunctionTool(tool)) throw BifrostError.badRequest(`tool type "${tool.type}" is not supported by cohere`, `tools[${i}].type`);
  const { name, description, parameters } = tool.function;
  const fn: CohereTool["function"] = { name };
  if (description !== undefined) fn.description = description;
  if (parameters !== undefined) fn.parameters = parameters;
  return { type: "function", function: fn };
}

function forcedName(choice: { type: string; function?: { name: string } }): string {
  if (choice.type === "function" && choice.function?.name) return choice.function.name;
  throw invalidChoice();
}

function invalidChoice(): BifrostError {
  return BifrostError.badRequest('tool_choice must be "auto", "required", "none" or {type:"function",function:{name}}', "tool_choice");
}

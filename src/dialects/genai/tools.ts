/** GenAI tools and toolConfig → canonical tools and tool_choice. */
import type { ChatRequest, FunctionTool } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { field, isObject } from "./fields";
import { toJsonSchema } from "./schema";

type Tools = NonNullable<ChatRequest["tools"]>;

const EMPTY_PARAMETERS = { type: "object", properties: {} };

export function toCanonicalTools(tools: unknown): Tools | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) throw BifrostError.badRequest("tools must be an array", "tools");
  const out: Tools = [];
  tools.forEach((tool, i) => {
    const declarations = field(tool, "functionDeclarations");
    // Built-in tools (googleSearch, codeExecution, urlContext…) have no equivalent on other providers.
    if (!Array.isArray(declarations)) throw BifrostError.badRequest(`tools[${i}]: only functionDeclarations are supported`, `tools[${i}]`);
    declarations.forEach((d, j) => {
      if (!isObject(d) || typeof d.name !== "string" || !d.name) {
        throw BifrostError.badRequest(`tools[${i}].functionDeclarations[${j}].name is required`, `tools[${i}].functionDeclarations[${j}].name`);
      }
      // parametersJsonSchema is already JSON Schema; parameters is Gemini's OpenAPI subset.
      const jsonSchema = field(d, "parametersJsonSchema");
      const parameters = jsonSchema ?? (d.parameters !== undefined ? toJsonSchema(d.parameters) : EMPTY_PARAMETERS);
      const fn: FunctionTool["function"] = { name: d.name, parameters };
      if (typeof d.description === "string") fn.description = d.description;
      out.push({ type: "function", function: fn });
    });
  });
  return out;
}

export function toCanonicalToolChoice(toolConfig: unknown): ChatRequest["tool_choice"] {
  const config = field(toolConfig, "functionCallingConfig");
  const mode = field(config, "mode");
  if (mode === "NONE") return "none";
  if (mode === "ANY") {
    const names = field(config, "allowedFunctionNames");
    // One allowed name is a forced call; several cannot be expressed, so any call is required.
    return Array.isArray(names) && names.length === 1 ? { type: "function", function: { name: names[0] } } : "required";
  }
  if (mode === "AUTO" || mode === "VALIDATED") return "auto";
  return undefined;
}

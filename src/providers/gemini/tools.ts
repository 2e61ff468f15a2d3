/** Canonical tools and tool_choice → Gemini's functionDeclarations and toolConfig. */
import { isFunctionTool, type ChatRequest } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { toGeminiSchema } from "./schema";
import type { GeminiFunctionDeclaration, GeminiTool, GeminiToolConfig } from "./types";

/** All functions go in one tool entry: that is how Gemini groups declarations. */
export function toGeminiTools(tools: NonNullable<ChatRequest["tools"]>): GeminiTool[] {
  const functionDeclarations = tools.map((tool, i): GeminiFunctionDeclaration => {
    if (!isFunctionTool(tool)) {
      throw BifrostError.badRequest(`tool type "${tool.type}" is not supported by gemini`, `tools[${i}].type`);
    }
    const { name, description, parameters } = tool.function;
    const declaration: GeminiFunctionDeclaration = { name };
    if (description !== undefined) declaration.description = description;
    const schema = toGeminiSchema(parameters);
    // A no-argument function has no parameters at all: Gemini rejects an OBJECT without properties.
    if (schema.properties) declaration.parameters = schema;
    return declaration;
  });
  return [{ functionDeclarations }];
}

/** undefined means "let Gemini default" (AUTO). */
export function toGeminiToolConfig(choice: ChatRequest["tool_choice"]): GeminiToolConfig | undefined {
  if (choice === undefined) return undefined;
  if (choice === "auto") return { functionCallingConfig: { mode: "AUTO" } };
  if (choice === "required") return { functionCallingConfig: { mode: "ANY" } };
  if (choice === "none") return { functionCallingConfig: { mode: "NONE" } };
  if (typeof choice === "object" && choice.type === "function" && choice.function?.name) {
    return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.function.name] } };
  }
  throw BifrostError.badRequest('tool_choice must be "auto", "required", "none" or {type:"function",function:{name}}', "tool_choice");
}

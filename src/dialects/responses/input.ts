/** Responses instructions + input (a string, or message / function_call / function_call_output / reasoning items) → chat messages. */
import type { ChatMessage, ContentPart } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { unpackReasoning, type ReasoningDetail } from "./reasoning";

const ROLES = new Set(["user", "assistant", "system", "developer"]);

export function toChatMessages(input: unknown, instructions: unknown): ChatMessage[] {
  const out: ChatMessage[] = [];
  if (instructions != null) {
    if (typeof instructions !== "string") throw BifrostError.badRequest("instructions: must be a string", "instructions");
    if (instructions) out.push({ role: "system", content: instructions });
  }
  if (typeof input === "string") {
    out.push({ role: "user", content: input });
    return out;
  }
  if (!Array.isArray(input)) throw BifrostError.badRequest("input: must be a string or an array of input items", "input");
  /** Reasoning we packed into an earlier response goes back on the assistant turn that follows it. */
  let pending: ReasoningDetail[] = [];
  const assistant = (reuseLast: boolean): ChatMessage => {
    const last = out[out.length - 1];
    const m: ChatMessage = reuseLast && last?.role === "assistant" ? last : { role: "assistant", content: null };
    if (m !== last) out.push(m);
    if (pending.length) {
      m.reasoning_details = [...(m.reasoning_details ?? []), ...pending];
      pending = [];
    }
    return m;
  };

  input.forEach((item: any, i) => {
    const param = `input[${i}]`;
    const type = item?.type ?? (item?.role ? "message" : undefined);
    switch (type) {
      case "message": {
        if (!ROLES.has(item.role)) throw BifrostError.badRequest(`${param}.role: must be "user", "assistant", "system" or "developer"`, `${param}.role`);
        if (item.role === "assistant") {
          const m = assistant(false);
          const { text, refusal } = assistantContent(item.content, param);
          m.content = text;
          if (refusal) m.refusal = refusal;
        } else out.push({ role: item.role, content: userContent(item.content, param) });
        break;
      }
      case "function_call": {
        if (typeof item.call_id !== "string" || typeof item.name !== "string") throw BifrostError.badRequest(`${param}: function_call needs call_id and name`, param);
        // Consecutive calls (and the text before them) form one assistant turn, as chat completions expects.
        const m = assistant(true);
        const args = typeof item.arguments === "string" ? item.arguments : JSON.stringify(item.arguments ?? {});
        m.tool_calls = [...(m.tool_calls ?? []), { id: item.call_id, type: "function", function: { name: item.name, arguments: args } }];
        break;
      }
      case "function_call_output":
        if (typeof item.call_id !== "string") throw BifrostError.badRequest(`${param}.call_id: field required`, `${param}.call_id`);
        out.push({ role: "tool", tool_call_id: item.call_id, content: toolOutput(item.output, param) });
        break;
      case "reasoning":
        // Only our own packed details are readable; other reasoning (OpenAI's encrypted, plain summaries) is dropped.
        pending.push(...unpackReasoning(item.encrypted_content));
        break;
      case "item_reference":
        throw BifrostError.badRequest(`${param}.type: item_reference needs stored items; the gateway is stateless, send the items themselves`, `${param}.type`);
      default:
        throw BifrostError.badRequest(`${param}.type: unsupported input item type "${type}"`, `${param}.type`);
    }
  });
  return out;
}

function userContent(content: unknown, param: string): ChatMessage["content"] {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw BifrostError.badRequest(`${param}.content: must be a string or an array of content parts`, `${param}.content`);
  const parts = content.map((p: any, j) => inputPart(p, `${param}.content[${j}]`));
  return parts.length === 1 && parts[0]!.type === "text" ? (parts[0] as { text: string }).text : parts;
}

function inputPart(p: any, param: string): ContentPart {
  switch (p?.type) {
    case "input_text":
    case "output_text":
      return { type: "text", text: String(p.text ?? "") };
    case "input_image": {
      if (typeof p.image_url !== "string") throw BifrostError.badRequest(`${param}.image_url: required (file_id needs a file store the gateway does not have)`, `${param}.image_url`);
      const image_url: { url: string; detail?: string } = { url: p.image_url };
      if (typeof p.detail === "string") image_url.detail = p.detail;
      return { type: "image_url", image_url };
    }
    case "input_file": {
      if (p.file_url != null) throw BifrostError.badRequest(`${param}.file_url: not supported; send file_data`, `${param}.file_url`);
      const file: Record<string, string> = {};
      for (const k of ["file_data", "file_id", "filename"]) if (typeof p[k] === "string") file[k] = p[k];
      return { type: "file", file };
    }
    case "input_audio":
      return { type: "input_audio", input_audio: p.input_audio };
    default:
      throw BifrostError.badRequest(`${param}.type: unsupported content type "${p?.type}"`, `${param}.type`);
  }
}

function assistantContent(content: unknown, param: string): { text: string; refusal?: string } {
  if (typeof content === "string") return { text: content };
  if (!Array.isArray(content)) throw BifrostError.badRequest(`${param}.content: must be a string or an array of content parts`, `${param}.content`);
  let text = "";
  let refusal = "";
  content.forEach((p: any, j) => {
    if ((p?.type === "output_text" || p?.type === "input_text") && typeof p.text === "string") text += p.text;
    else if (p?.type === "refusal" && typeof p.refusal === "string") refusal += p.refusal;
    else throw BifrostError.badRequest(`${param}.content[${j}].type: unsupported content type "${p?.type}" in an assistant message`, `${param}.content[${j}].type`);
  });
  return refusal ? { text, refusal } : { text };
}

/** Tool messages carry text: string output as is, text parts joined. */
function toolOutput(output: unknown, param: string): string {
  if (typeof output === "string") return output;
  if (!Array.isArray(output)) throw BifrostError.badRequest(`${param}.output: must be a string or an array of content parts`, `${param}.output`);
  return output
    .map((p: any, j) => {
      if (p?.type === "input_text" || p?.type === "output_text") return String(p.text ?? "");
      throw BifrostError.badRequest(`${param}.output[${j}].type: only text is supported in function_call_output`, `${param}.output[${j}].type`);
    })
    .join("\n");
}

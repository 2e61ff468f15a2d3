/** The Response object around the output: ids, status, usage, and the request's parameters echoed back. */
import type { FinishReason } from "../../schemas/chat";
import type { IngressParams } from "../types";
import type { OutputItem, ResponseObject, ResponseStatus, ResponsesUsage } from "./types";

export interface ResponsesParams extends IngressParams {
  /** The client's original Responses request body: when the HTTP layer passes it, its parameters are echoed. */
  request?: unknown;
}

export interface ResponseCore {
  id: string;
  created_at: number;
  model: string;
  status: ResponseStatus;
  output: OutputItem[];
  usage: ResponsesUsage | null;
  incomplete_details?: { reason: string } | null;
  error?: { code: string; message: string } | null;
}

/** How a finish_reason ends a response: OpenAI reports truncation and filtering as "incomplete". */
export function outcome(finish: FinishReason | string | null | undefined): Pick<ResponseCore, "status" | "incomplete_details"> {
  if (finish === "length") return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
  if (finish === "content_filter") return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
  return { status: "completed", incomplete_details: null };
}

const num = (v: unknown): number | null => (typeof v === "number" ? v : null);

export function responseObject(core: ResponseCore, request: unknown): ResponseObject {
  const r: any = request && typeof request === "object" ? request : {};
  return {
    id: core.id,
    object: "response",
    created_at: core.created_at,
    status: core.status,
    background: false,
    error: core.error ?? null,
    incomplete_details: core.incomplete_details ?? null,
    instructions: typeof r.instructions === "string" ? r.instructions : null,
    max_output_tokens: num(r.max_output_tokens),
    max_tool_calls: null,
    model: core.model,
    output: core.output,
    parallel_tool_calls: typeof r.parallel_tool_calls === "boolean" ? r.parallel_tool_calls : true,
    previous_response_id: null,
    reasoning: { effort: r.reasoning?.effort ?? null, summary: r.reasoning?.summary ?? null },
    // The gateway keeps nothing: every response is unstored.
    store: false,
    temperature: num(r.temperature),
    text: { format: r.text?.format ?? { type: "text" } },
    tool_choice: r.tool_choice ?? "auto",
    tools: Array.isArray(r.tools) ? r.tools : [],
    top_p: num(r.top_p),
    truncation: "disabled",
    usage: core.usage,
    user: typeof r.user === "string" ? r.user : null,
    metadata: r.metadata && typeof r.metadata === "object" ? r.metadata : {},
  };
}

/** OpenAI Responses API wire types: only the fields the dialect writes. */

export interface OutputText {
  type: "output_text";
  text: string;
  annotations: unknown[];
  logprobs: unknown[];
}

export interface OutputRefusal {
  type: "refusal";
  refusal: string;
}

export type MessagePart = OutputText | OutputRefusal;

export type ItemStatus = "in_progress" | "completed" | "incomplete";

export interface MessageItem {
  id: string;
  type: "message";
  status: ItemStatus;
  content: MessagePart[];
  role: "assistant";
}

export interface ReasoningItem {
  id: string;
  type: "reasoning";
  summary: Array<{ type: "summary_text"; text: string }>;
  content: Array<{ type: "reasoning_text"; text: string }>;
  encrypted_content?: string;
}

export interface FunctionCallItem {
  id: string;
  type: "function_call";
  status: ItemStatus;
  arguments: string;
  call_id: string;
  name: string;
}

export type OutputItem = MessageItem | ReasoningItem | FunctionCallItem;

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = "completed" | "incomplete" | "in_progress" | "failed";

export interface ResponseObject {
  id: string;
  object: "response";
  created_at: number;
  status: ResponseStatus;
  background: false;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: string } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  max_tool_calls: null;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: null;
  reasoning: { effort: string | null; summary: string | null };
  store: false;
  temperature: number | null;
  text: { format: unknown };
  tool_choice: unknown;
  tools: unknown[];
  top_p: number | null;
  truncation: "disabled";
  usage: ResponsesUsage | null;
  user: string | null;
  metadata: Record<string, unknown>;
  completed_at?: number;
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

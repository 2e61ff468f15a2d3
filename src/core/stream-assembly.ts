/**
 * A stream's answer put back together, for the request's record (logs): chat chunks → one chat
 * completion (text, reasoning, tool calls, finish reason per choice), or a Responses event stream →
 * its completed Response. Pure: it keeps what it is given and builds the object when asked.
 */
import type { ChatChunk, ChatResponse, FinishReason, Usage } from "../schemas/chat";

interface ChoiceParts {
  content: string;
  reasoning: string;
  refusal: string;
  tools: Map<number, { id?: string; name: string; arguments: string }>;
  finish: FinishReason;
}

export class ChatAssembly {
  private id = "";
  private model = "";
  private created = 0;
  private readonly choices = new Map<number, ChoiceParts>();
  /** Characters of content delivered (text, reasoning, tool arguments): what a cut stream is charged by. */
  chars = 0;

  add(c: ChatChunk): void {
    if (!this.id) (this.id = c.id), (this.model = c.model), (this.created = c.created);
    const choices = c.choices;
    if (!choices) return;
    for (const ch of choices) {
      let p = this.choices.get(ch.index);
      if (!p) this.choices.set(ch.index, (p = { content: "", reasoning: "", refusal: "", tools: new Map(), finish: null }));
      const d = ch.delta;
      if (d) {
        if (typeof d.content === "string") (p.content += d.content), (this.chars += d.content.length);
        if (typeof d.reasoning === "string") (p.reasoning += d.reasoning), (this.chars += d.reasoning.length);
        if (typeof d.refusal === "string") p.refusal += d.refusal;
        if (d.tool_calls) for (const t of d.tool_calls) this.addTool(p, t);
      }
      if (ch.finish_reason) p.finish = ch.finish_reason;
    }
  }

  private addTool(p: ChoiceParts, t: NonNullable<ChatChunk["choices"][number]["delta"]["tool_calls"]>[number]): void {
    let call = p.tools.get(t.index);
    if (!call) p.tools.set(t.index, (call = { name: "", arguments: "" }));
    if (t.id) call.id = t.id;
    if (t.function?.name) call.name += t.function.name;
    if (t.function?.arguments) (call.arguments += t.function.arguments), (this.chars += t.function.arguments.length);
  }

  /** The chat completion the chunks make, with the usage given (the stream's last). */
  response(usage: Usage | null): ChatResponse {
    const choices = [...this.choices.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([index, p]) => ({
        index,
        message: {
          role: "assistant" as const,
          content: p.content || null,
          ...(p.reasoning ? { reasoning: p.reasoning } : {}),
          ...(p.refusal ? { refusal: p.refusal } : {}),
          ...(p.tools.size
            ? { tool_calls: [...p.tools.values()].map((t, i) => ({ id: t.id ?? `call_${i}`, type: "function" as const, function: { name: t.name, arguments: t.arguments } })) }
            : {}),
        },
        finish_reason: p.finish,
      }));
    return { id: this.id, object: "chat.completion", created: this.created, model: this.model, choices, ...(usage ? { usage } : {}) } as ChatResponse;
  }
}

/** A Responses event stream's answer: the Response of its completed (or failed/incomplete) event, and the text delivered. */
export class ResponsesAssembly {
  final: Record<string, unknown> | null = null;
  chars = 0;

  add(e: { type?: string; delta?: unknown; response?: Record<string, unknown> }): void {
    if (typeof e.delta === "string") this.chars += e.delta.length;
    if (e.response && (e.type === "response.completed" || e.type === "response.incomplete" || e.type === "response.failed")) this.final = e.response;
  }

  /** The Responses usage of the final event, in the canonical (chat) shape. */
  usage(): Usage | null {
    const u = this.final?.usage as { input_tokens?: number; output_tokens?: number; total_tokens?: number; input_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number }; output_tokens_details?: { reasoning_tokens?: number } } | undefined;
    if (!u) return null;
    const prompt = u.input_tokens ?? 0;
    const completion = u.output_tokens ?? 0;
    return {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: u.total_tokens ?? prompt + completion,
      prompt_tokens_details: { cached_tokens: u.input_tokens_details?.cached_tokens ?? 0, ...(u.input_tokens_details?.cache_write_tokens ? { cache_write_tokens: u.input_tokens_details.cache_write_tokens } : {}) },
      ...(u.output_tokens_details?.reasoning_tokens ? { completion_tokens_details: { reasoning_tokens: u.output_tokens_details.reasoning_tokens } } : {}),
    };
  }
}

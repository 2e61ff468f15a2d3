/** Building the canned answers: a chat completion, the same as a stream of chunks, and embeddings. */
import type { ChatChunk, ChatMessage, FinishReason, ResponseExtraFields, ToolCall, Usage } from "bifrost/plugin";

export interface Reply {
  id: string;
  model: string;
  content: string | null;
  toolCalls: ToolCall[] | null;
  finishReason: FinishReason;
  usage: Usage;
  extra: ResponseExtraFields;
}

export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Prompt size in words across every message's text, at least 1 (a stand-in for tokens). */
export function promptWords(messages: ChatMessage[], textOf: (c: ChatMessage["content"]) => string): number {
  let n = 0;
  for (const m of messages) n += countWords(textOf(m.content));
  return Math.max(1, n);
}

export function fillTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => vars[name] ?? whole);
}

const now = () => Math.floor(Date.now() / 1000);

export function chatResponse(r: Reply) {
  const message: Record<string, unknown> = { role: "assistant", content: r.content, refusal: null };
  if (r.toolCalls) message.tool_calls = r.toolCalls;
  return {
    id: r.id,
    object: "chat.completion",
    created: now(),
    model: r.model,
    system_fingerprint: "fp_mock",
    choices: [{ index: 0, message, logprobs: null, finish_reason: r.finishReason }],
    usage: r.usage,
    extra_fields: r.extra,
  };
}

/** Role first, then a chunk per word (or the tool calls in pieces), then the finish with usage. */
export async function* chatChunks(r: Reply): AsyncGenerator<ChatChunk> {
  const created = now();
  const chunk = (delta: Record<string, unknown>, finish_reason: FinishReason | null = null): ChatChunk => ({
    id: r.id,
    object: "chat.completion.chunk",
    created,
    model: r.model,
    choices: [{ index: 0, delta, finish_reason }],
    // Each chunk its own copy: a later chunk hook may change one chunk's extra_fields in place.
    extra_fields: { ...r.extra },
  });
  yield chunk({ role: "assistant", content: "" });
  // Split before each whitespace run, so the pieces join back to exactly the content.
  for (const piece of r.content ? r.content.split(/(?<=\S)(?=\s)/) : []) yield chunk({ content: piece });
  for (const [index, tc] of (r.toolCalls ?? []).entries()) {
    yield chunk({ tool_calls: [{ index, id: tc.id, type: "function", function: { name: tc.function.name, arguments: "" } }] });
    for (const piece of thirds(tc.function.arguments)) yield chunk({ tool_calls: [{ index, function: { arguments: piece } }] });
  }
  yield { ...chunk({}, r.finishReason), usage: r.usage };
}

function thirds(s: string): string[] {
  const size = Math.max(1, Math.ceil(s.length / 3));
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

/** Embedding inputs as texts: strings as they are, token arrays by their JSON. */
export function embeddingTexts(input: unknown): string[] {
  if (typeof input === "string") return [input];
  if (!Array.isArray(input)) return [];
  if (input.every((x) => typeof x === "number")) return [JSON.stringify(input)];
  return input.map((x) => (typeof x === "string" ? x : JSON.stringify(x)));
}

/** A unit vector seeded by the text (FNV-1a, then xorshift): the same text always gets the same vector. */
export function embedText(text: string, dims: number): number[] {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  let x = h || 1;
  const v = new Array<number>(dims);
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    v[i] = x / 2147483648 - 1;
    norm += v[i]! * v[i]!;
  }
  const scale = 1 / Math.sqrt(norm || 1);
  // Rounded to float32 precision so base64 and float answers carry the same numbers.
  return v.map((n) => Math.fround(n * scale));
}

export function embeddingResponse(texts: string[], dims: number, model: string, base64: boolean, extra: Record<string, unknown>) {
  const tokens = Math.max(1, texts.reduce((n, t) => n + countWords(t), 0));
  return {
    object: "list",
    data: texts.map((t, index) => {
      const v = embedText(t, dims);
      return { object: "embedding", index, embedding: base64 ? Buffer.from(new Float32Array(v).buffer).toString("base64") : v };
    }),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
    extra_fields: extra,
  };
}

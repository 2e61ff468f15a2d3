/**
 * Canonical chunks → Anthropic's SSE stream: message_start, ping, content blocks (thinking, text,
 * tool_use) opened and closed as the delta kind changes, message_delta, message_stop.
 */
import type { AnthropicStreamEvent } from "../../providers/anthropic/types";
import { sseEvent } from "../../providers/sse";
import type { ChatChunk, FinishReason, Usage } from "../../schemas/chat";
import type { BifrostError } from "../../schemas/error";
import type { Frame, StreamEncoder } from "../types";
import { anthropicErrorBody } from "./errors";
import { matchedStop, toAnthropicUsage, toStopReason } from "./finish";
import { messageId, toolUseId } from "./ids";

type Delta = ChatChunk["choices"][number]["delta"];
type OpenBlock = { kind: "thinking" | "text" | "cited" | "tool" | "server"; index: number };

const frame = (ev: AnthropicStreamEvent | { type: string; [k: string]: unknown }): string => sseEvent(ev.type, JSON.stringify(ev));

export function createAnthropicStreamEncoder(): StreamEncoder {
  let started = false;
  let stopped = false;
  let nextIndex = 0;
  let open: OpenBlock | null = null;
  /** Canonical tool call index → Anthropic block index. */
  const toolBlocks = new Map<number, number>();
  let finish: FinishReason | undefined;
  let matched: string | null = null;
  let native: unknown;
  let usage: Usage | null = null;

  function start(c: ChatChunk | null, out: Frame[]) {
    started = true;
    const { input_tokens, cache_read_input_tokens } = toAnthropicUsage(c?.usage);
    const message = {
      id: messageId(c?.id),
      type: "message" as const,
      role: "assistant" as const,
      model: c?.model ?? "",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens, cache_creation_input_tokens: 0, cache_read_input_tokens, output_tokens: 0 },
    };
    out.push(frame({ type: "message_start", message }), frame({ type: "ping" }));
  }

  function close(out: Frame[]) {
    if (!open) return;
    out.push(frame({ type: "content_block_stop", index: open.index }));
    open = null;
  }

  function openBlock(kind: OpenBlock["kind"], block: Record<string, unknown>, out: Frame[]): number {
    close(out);
    open = { kind, index: nextIndex++ };
    out.push(frame({ type: "content_block_start", index: open.index, content_block: block as any }));
    return open.index;
  }

  /** The open block of this kind, or a new one (text and thinking blocks only continue while uninterrupted). */
  function ensure(kind: "thinking" | "text", out: Frame[]): number {
    if (open?.kind === kind) return open.index;
    return openBlock(kind, kind === "thinking" ? { type: "thinking", thinking: "", signature: "" } : { type: "text", text: "" }, out);
  }

  function reasoning(d: Delta, out: Frame[]) {
    // OpenRouter-style upstreams send the text in both fields: `reasoning` wins, details then only add signatures.
    const text = d.reasoning || (d.reasoning_details ?? []).map((r) => (r.type === "reasoning.text" ? r.text ?? "" : "")).join("");
    if (text) out.push(frame({ type: "content_block_delta", index: ensure("thinking", out), delta: { type: "thinking_delta", thinking: text } }));
    for (const r of d.reasoning_details ?? []) {
      if (r.signature) out.push(frame({ type: "content_block_delta", index: ensure("thinking", out), delta: { type: "signature_delta", signature: r.signature } }));
      else if (r.type === "reasoning.encrypted" && r.data) {
        // Anthropic sends redacted thinking whole, in its content_block_start.
        openBlock("thinking", { type: "redacted_thinking", data: r.data }, out);
        close(out);
      }
    }
  }

  function toolCalls(d: Delta, out: Frame[]) {
    for (const tc of d.tool_calls ?? []) {
      let index = toolBlocks.get(tc.index);
      if (index === undefined) {
        index = openBlock("tool", { type: "tool_use", id: toolUseId(tc.id), name: tc.function?.name ?? "", input: {} }, out);
        toolBlocks.set(tc.index, index);
      }
      // A late piece for an earlier call keeps that call's index: the SDKs accumulate by index.
      const args = tc.function?.arguments;
      if (args) out.push(frame({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: args } }));
    }
  }

  /** A cited text block, whole: start, its citations, its text, stop (as Anthropic streams one). */
  function citedText(d: Delta, out: Frame[]) {
    const index = openBlock("cited", { type: "text", text: "" }, out);
    for (const a of d.annotations ?? []) out.push(frame({ type: "content_block_delta", index, delta: { type: "citations_delta", citation: a.citation } }));
    if (d.content) out.push(frame({ type: "content_block_delta", index, delta: { type: "text_delta", text: d.content } }));
    close(out);
  }

  /** A provider-run tool block, whole; a server_tool_use's input goes as one input_json_delta, as the SDKs gather it. */
  function serverToolBlocks(d: Delta, out: Frame[]) {
    for (const { block } of d.server_tool_blocks ?? []) {
      const { input, ...rest } = block;
      const hasInput = input !== undefined && block.type.endsWith("_use");
      const index = openBlock("server", hasInput ? { ...rest, input: {} } : block, out);
      if (hasInput) out.push(frame({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: JSON.stringify(input) } }));
      close(out);
    }
  }

  function finishMessage(out: Frame[]) {
    close(out);
    const stop_reason = toStopReason(finish ?? null, toolBlocks.size > 0, matched, native);
    const delta = { stop_reason, stop_sequence: stop_reason === "stop_sequence" ? matched : null };
    out.push(frame({ type: "message_delta", delta, usage: toAnthropicUsage(usage) }), frame({ type: "message_stop" }));
    stopped = true;
  }

  return {
    contentType: "text/event-stream",
    chunk(c) {
      if (stopped) return [];
      const out: Frame[] = [];
      if (!started) start(c, out);
      if (c.usage) usage = c.usage;
      const choice = c.choices?.[0];
      if (choice && finish === undefined) {
        const d = choice.delta ?? {};
        reasoning(d, out);
        const text = d.content || d.refusal;
        if (d.annotations?.length) citedText(d, out);
        else if (text) out.push(frame({ type: "content_block_delta", index: ensure("text", out), delta: { type: "text_delta", text } }));
        serverToolBlocks(d, out);
        toolCalls(d, out);
        if (choice.finish_reason) {
          finish = choice.finish_reason;
          matched = matchedStop(choice);
          native = c.extra_fields?.native_finish_reason;
          close(out);
        }
      }
      // Usage often arrives in its own chunk after the finish_reason: message_delta waits for it.
      if (finish !== undefined && c.usage) finishMessage(out);
      return out;
    },
    end() {
      if (stopped) return [];
      const out: Frame[] = [];
      if (!started) start(null, out);
      finishMessage(out);
      return out;
    },
    error(e: BifrostError) {
      stopped = true;
      return [frame(anthropicErrorBody(e))];
    },
  };
}

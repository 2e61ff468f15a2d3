/**
 * Canonical chunks → Cohere v2's SSE stream as Cohere sends it (`event: <type>` + `data: <json with type>`):
 * message-start, content blocks (thinking, text) opened and closed as the delta kind changes,
 * tool-call-start/delta/end per call, message-end with finish_reason and usage.
 */
import { sseEvent } from "../../providers/sse";
import type { ChatChunk, FinishReason, Usage } from "../../schemas/chat";
import type { BifrostError } from "../../schemas/error";
import type { Frame, StreamEncoder } from "../types";
import { toCohereFinishReason, toCohereUsage } from "./finish";
import { responseId, toolCallId } from "./ids";

type Delta = ChatChunk["choices"][number]["delta"];
type Open = { kind: "thinking" | "text"; index: number } | { kind: "tool"; index: number };

const frame = (ev: { type: string; [k: string]: unknown }): string => sseEvent(ev.type, JSON.stringify(ev));

export function createCohereStreamEncoder(): StreamEncoder {
  let started = false;
  let stopped = false;
  let open: Open | null = null;
  /** Content blocks and tool calls are numbered separately, each from 0, as Cohere does. */
  let nextContent = 0;
  let nextTool = 0;
  /** Canonical tool-call index → Cohere tool-call index. */
  const tools = new Map<number, number>();
  let finish: FinishReason | undefined;
  let usage: Usage | null = null;

  function start(c: ChatChunk | null, out: Frame[]) {
    started = true;
    const message = { role: "assistant", content: [], tool_plan: "", tool_calls: [], citations: [] };
    out.push(frame({ id: responseId(c?.id), type: "message-start", delta: { message } }));
  }

  function close(out: Frame[]) {
    if (!open) return;
    out.push(frame(open.kind === "tool" ? { type: "tool-call-end", index: open.index } : { type: "content-end", index: open.index }));
    open = null;
  }

  /** The open content block of this kind, or a new one. */
  function content(kind: "thinking" | "text", out: Frame[]): number {
    if (open?.kind === kind) return open.index;
    close(out);
    open = { kind, index: nextContent++ };
    const empty = kind === "thinking" ? { type: "thinking", thinking: "" } : { type: "text", text: "" };
    out.push(frame({ type: "content-start", index: open.index, delta: { message: { content: empty } } }));
    return open.index;
  }

  function contentDelta(kind: "thinking" | "text", text: string, out: Frame[]) {
    const index = content(kind, out);
    const piece = kind === "thinking" ? { thinking: text } : { text };
    out.push(frame({ type: "content-delta", index, delta: { message: { content: piece } } }));
  }

  function toolCalls(d: Delta, out: Frame[]) {
    for (const tc of d.tool_calls ?? []) {
      let index = tools.get(tc.index);
      if (index === undefined) {
        close(out);
        index = nextTool++;
        tools.set(tc.index, index);
        open = { kind: "tool", index };
        const name = tc.function?.name ?? "";
        const head = { id: toolCallId(tc.id, name), type: "function", function: { name, arguments: "" } };
        out.push(frame({ type: "tool-call-start", index, delta: { message: { tool_calls: head } } }));
      } else if (open?.kind !== "tool" || open.index !== index) {
        // A late piece for an earlier call: Cohere streams calls one at a time, so that call is reopened.
        close(out);
        open = { kind: "tool", index };
      }
      const args = tc.function?.arguments;
      if (args) out.push(frame({ type: "tool-call-delta", index, delta: { message: { tool_calls: { function: { arguments: args } } } } }));
    }
  }

  function finishMessage(out: Frame[]) {
    close(out);
    const delta = { finish_reason: toCohereFinishReason(finish ?? null, tools.size > 0), usage: toCohereUsage(usage) };
    out.push(frame({ type: "message-end", delta }));
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
        const reasoning = d.reasoning || (d.reasoning_details ?? []).map((r) => (r.type === "reasoning.text" ? r.text ?? "" : "")).join("");
        if (reasoning) contentDelta("thinking", reasoning, out);
        const text = d.content || d.refusal;
        if (text) contentDelta("text", text, out);
        toolCalls(d, out);
        if (choice.finish_reason) {
          finish = choice.finish_reason;
          close(out);
        }
      }
      // Usage often arrives in its own chunk after the finish_reason: message-end waits for it.
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
      // Cohere reports a failed generation in message-end: finish_reason ERROR with the error's text.
      return [frame({ type: "message-end", delta: { error: e.message, finish_reason: "ERROR" } })];
    },
  };
}

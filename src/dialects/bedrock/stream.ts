/**
 * Canonical chunks → ConverseStream eventstream frames: messageStart, content blocks (contentBlockStart only for
 * tool use, as Bedrock does), contentBlockDelta, contentBlockStop, messageStop, then metadata with usage.
 */
import { encodeEvent, EVENTSTREAM_CONTENT_TYPE } from "../../providers/bedrock/eventstream";
import type { StreamEvents } from "../../providers/bedrock/types";
import type { ChatChunk, Usage } from "../../schemas/chat";
import type { Frame, StreamEncoder } from "../types";
import { exceptionFrame } from "./errors";
import { toConverseUsage, toStopReason } from "./finish";

type Delta = ChatChunk["choices"][number]["delta"];
type BlockKind = "text" | "reasoning" | "tool";

export function createConverseStreamEncoder(now = Date.now): StreamEncoder {
  const startedAt = now();
  let started = false;
  let stopped = false;
  let sawToolCalls = false;
  let usage: Usage | null | undefined;
  let open: { kind: BlockKind; index: number } | null = null;
  let nextBlock = 0;
  // OpenAI indexes tool calls from 0; Converse indexes every content block.
  const blockOfTool = new Map<number, number>();

  const event = <K extends keyof StreamEvents>(type: K, payload: StreamEvents[K]): Frame => encodeEvent(type, payload);

  function start(out: Frame[]) {
    if (started) return;
    started = true;
    out.push(event("messageStart", { role: "assistant" }));
  }

  function close(out: Frame[]) {
    if (!open) return;
    out.push(event("contentBlockStop", { contentBlockIndex: open.index }));
    open = null;
  }

  /** The open block when it is of this kind, else a new one (text and reasoning blocks have no start event). */
  function block(kind: Exclude<BlockKind, "tool">, out: Frame[]): number {
    if (open?.kind === kind) return open.index;
    close(out);
    open = { kind, index: nextBlock++ };
    return open.index;
  }

  function delta(index: number, d: StreamEvents["contentBlockDelta"]["delta"]): Frame {
    return event("contentBlockDelta", { contentBlockIndex: index, delta: d });
  }

  function reasoning(d: Delta, out: Frame[]) {
    if (d.reasoning) out.push(delta(block("reasoning", out), { reasoningContent: { text: d.reasoning } }));
    for (const r of d.reasoning_details ?? []) {
      if (r.type === "reasoning.encrypted" && r.data) {
        // Redacted reasoning is a block of its own.
        close(out);
        out.push(delta(block("reasoning", out), { reasoningContent: { redactedContent: r.data } }));
        close(out);
        continue;
      }
      // Some upstreams repeat the reasoning text in details; it was sent once from d.reasoning already.
      if (r.text && !d.reasoning) out.push(delta(block("reasoning", out), { reasoningContent: { text: r.text } }));
      if (r.signature) out.push(delta(block("reasoning", out), { reasoningContent: { signature: r.signature } }));
    }
  }

  function toolCalls(d: Delta, out: Frame[]) {
    for (const t of d.tool_calls ?? []) {
      let index = blockOfTool.get(t.index);
      if (index === undefined) {
        sawToolCalls = true;
        close(out);
        index = nextBlock++;
        blockOfTool.set(t.index, index);
        open = { kind: "tool", index };
        const toolUseId = t.id || `tooluse_${crypto.randomUUID().replace(/-/g, "").slice(0, 22)}`;
        out.push(event("contentBlockStart", { contentBlockIndex: index, start: { toolUse: { toolUseId, name: t.function?.name ?? "" } } }));
      }
      const args = t.function?.arguments;
      if (args) out.push(delta(index, { toolUse: { input: args } }));
    }
  }

  function stop(reason: Parameters<typeof toStopReason>[0], out: Frame[]) {
    close(out);
    stopped = true;
    out.push(event("messageStop", { stopReason: toStopReason(reason, sawToolCalls) }));
  }

  return {
    contentType: EVENTSTREAM_CONTENT_TYPE,
    chunk(c) {
      const out: Frame[] = [];
      if (c.usage) usage = c.usage;
      const choice = c.choices?.find((ch) => ch.index === 0) ?? c.choices?.[0];
      if (!choice || stopped) return out;
      start(out);
      const d = choice.delta ?? {};
      reasoning(d, out);
      const text = d.content || d.refusal;
      if (text) out.push(delta(block("text", out), { text }));
      toolCalls(d, out);
      if (choice.finish_reason) stop(choice.finish_reason, out);
      return out;
    },
    end() {
      const out: Frame[] = [];
      start(out);
      if (!stopped) stop(null, out);
      out.push(event("metadata", { usage: toConverseUsage(usage), metrics: { latencyMs: Math.max(0, Math.round(now() - startedAt)) } }));
      return out;
    },
    error(e) {
      return [exceptionFrame(e)];
    },
  };
}

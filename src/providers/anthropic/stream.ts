/** Anthropic's SSE stream (message_start … message_stop) → canonical chat.completion.chunk objects. */
import type { ChatChunk } from "../../schemas/chat";
import { SseParser } from "../sse";
import { EventBatches, parseEventJson, truncatedStream } from "../stream-events";
import type { ProviderTarget, StreamDecoder } from "../types";
import { anthropicError, streamErrorStatus } from "./errors";
import { mapStopReason, toUsage } from "./finish";
import type { AnthropicStreamEvent, AnthropicUsage } from "./types";

type Delta = ChatChunk["choices"][number]["delta"];

export function createAnthropicStreamDecoder(target: ProviderTarget, now = Date.now): StreamDecoder<ChatChunk> {
  const sse = new SseParser();
  const created = Math.floor(now() / 1000);
  let id = "";
  let model = target.model;
  let startUsage: AnthropicUsage = {};
  let done = false;
  const batches = new EventBatches(target);
  // Anthropic indexes all content blocks; OpenAI indexes tool calls only, from 0.
  const toolIndexByBlock = new Map<number, number>();

  const chunk = (delta: Delta): ChatChunk => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: null }],
  });

  function decode(ev: AnthropicStreamEvent, data: string, out: ChatChunk[]) {
    switch (ev.type) {
      case "message_start":
        id = ev.message.id;
        model = ev.message.model || model;
        startUsage = ev.message.usage ?? {};
        out.push(chunk({ role: "assistant", content: "" }));
        return;
      case "content_block_start": {
        const b = ev.content_block as any;
        if (b.type === "tool_use") {
          const index = toolIndexByBlock.size;
          toolIndexByBlock.set(ev.index, index);
          out.push(chunk({ tool_calls: [{ index, id: b.id, type: "function", function: { name: b.name, arguments: "" } }] }));
        } else if (b.type === "redacted_thinking") {
          out.push(chunk({ reasoning_details: [{ type: "reasoning.encrypted", data: b.data }] }));
        } else if (b.type === "text" && b.text) out.push(chunk({ content: b.text }));
        return;
      }
      case "content_block_delta": {
        const d = ev.delta;
        if (d.type === "text_delta") out.push(chunk({ content: d.text }));
        else if (d.type === "thinking_delta") out.push(chunk({ reasoning: d.thinking }));
        else if (d.type === "signature_delta") out.push(chunk({ reasoning_details: [{ type: "reasoning.text", signature: d.signature }] }));
        else if (d.type === "input_json_delta") {
          const index = toolIndexByBlock.get(ev.index);
          // Server-tool inputs (no entry) have no chat-completions equivalent; empty pieces carry nothing.
          if (index !== undefined && d.partial_json) out.push(chunk({ tool_calls: [{ index, function: { arguments: d.partial_json } }] }));
        }
        return;
      }
      case "message_delta": {
        const last = chunk({});
        last.choices[0]!.finish_reason = mapStopReason(ev.delta?.stop_reason) ?? "stop";
        last.usage = toUsage(mergeUsage(startUsage, ev.usage ?? {}));
        out.push(last);
        return;
      }
      case "message_stop":
        done = true;
        return;
      case "error":
        throw anthropicError(streamErrorStatus(ev.error?.type), data, target);
      // ping, content_block_stop and event types added later carry nothing for the client.
    }
  }

  const take = (events: ReturnType<SseParser["push"]>) =>
    batches.run(
      events,
      () => done,
      (ev, out) => decode(parseEventJson(ev, target), ev.data, out),
    );

  return {
    push: (text) => take(sse.push(text)),
    end: () => {
      const rest = take(sse.end());
      if (!done) throw truncatedStream(target, "message_stop");
      return rest;
    },
    get done() {
      return done;
    },
  };
}

/** message_delta usage is cumulative but may leave input counts null: those come from message_start. */
function mergeUsage(start: AnthropicUsage, delta: AnthropicUsage): AnthropicUsage {
  const merged: AnthropicUsage = { ...start };
  for (const [k, v] of Object.entries(delta)) if (v != null) (merged as any)[k] = v;
  return merged;
}


/** Anthropic's SSE stream (message_start … message_stop) → canonical chat.completion.chunk objects. */
import type { ChatChunk, CitationAnnotation, ServerToolBlock } from "../../schemas/chat";
import { SseParser } from "../sse";
import { EventBatches, parseEventJson, truncatedStream } from "../stream-events";
import type { ProviderTarget, StreamDecoder } from "../types";
import { anthropicError, streamErrorStatus } from "./errors";
import { mapStopReason, nativeFinishReason, toUsage } from "./finish";
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
  /** Cited text blocks are held until their stop, then sent whole with their citations; server-tool blocks likewise, input gathered. */
  const cited = new Map<number, { text: string; citations: CitationAnnotation["citation"][] }>();
  const serverBlocks = new Map<number, { block: Record<string, any>; json: string }>();

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
        } else if (b.type === "text") {
          if (b.citations?.length) cited.set(ev.index, { text: b.text ?? "", citations: [...b.citations] });
          else if (b.text) out.push(chunk({ content: b.text }));
        } else if (b.type !== "thinking") serverBlocks.set(ev.index, { block: { ...b }, json: "" });
        return;
      }
      case "content_block_delta": {
        const d = ev.delta;
        const held = cited.get(ev.index);
        if (d.type === "citations_delta") {
          if (held) held.citations.push(d.citation);
          else cited.set(ev.index, { text: "", citations: [d.citation] });
        } else if (d.type === "text_delta") {
          if (held) held.text += d.text;
          else out.push(chunk({ content: d.text }));
        } else if (d.type === "thinking_delta") out.push(chunk({ reasoning: d.thinking }));
        else if (d.type === "signature_delta") out.push(chunk({ reasoning_details: [{ type: "reasoning.text", signature: d.signature }] }));
        else if (d.type === "input_json_delta") {
          const index = toolIndexByBlock.get(ev.index);
          // Server-tool inputs are gathered for their whole block; empty pieces carry nothing.
          if (index !== undefined && d.partial_json) out.push(chunk({ tool_calls: [{ index, function: { arguments: d.partial_json } }] }));
          const server = serverBlocks.get(ev.index);
          if (server) server.json += d.partial_json;
        }
        return;
      }
      case "content_block_stop":
        stopBlock(ev.index, out);
        return;
      case "message_delta": {
        const last = chunk({});
        last.choices[0]!.finish_reason = mapStopReason(ev.delta?.stop_reason) ?? "stop";
        last.usage = toUsage(mergeUsage(startUsage, ev.usage ?? {}));
        const native = nativeFinishReason(ev.delta?.stop_reason);
        if (native) last.extra_fields = native as ChatChunk["extra_fields"];
        out.push(last);
        return;
      }
      case "message_stop":
        done = true;
        return;
      case "error":
        throw anthropicError(streamErrorStatus(ev.error?.type), data, target);
      // ping and event types added later carry nothing for the client.
    }
  }

  function stopBlock(index: number, out: ChatChunk[]) {
    const held = cited.get(index);
    if (held) {
      cited.delete(index);
      const annotations = held.citations.map((citation): CitationAnnotation => ({ type: "citation", start_index: 0, end_index: held.text.length, citation }));
      out.push(chunk({ content: held.text, annotations }));
    }
    const server = serverBlocks.get(index);
    if (server) {
      serverBlocks.delete(index);
      if (server.json) server.block.input = parseInput(server.json, server.block.input);
      out.push(chunk({ server_tool_blocks: [{ block: server.block as ServerToolBlock["block"] }] }));
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

function parseInput(json: string, fallback: unknown): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return fallback;
  }
}

/** message_delta usage is cumulative but may leave input counts null: those come from message_start. */
function mergeUsage(start: AnthropicUsage, delta: AnthropicUsage): AnthropicUsage {
  const merged: AnthropicUsage = { ...start };
  for (const [k, v] of Object.entries(delta)) if (v != null) (merged as any)[k] = v;
  return merged;
}


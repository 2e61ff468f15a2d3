/** Cohere v2's SSE chat stream (message-start … message-end) → canonical chat.completion.chunk objects. */
import type { ChatChunk } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { SseParser, type SseEvent } from "../sse";
import { EventBatches, parseEventJson, truncatedStream } from "../stream-events";
import type { ProviderTarget, StreamDecoder } from "../types";
import { finishError, mapFinishReason, toUsage } from "./finish";
import type { CohereStreamEvent } from "./types";

type Delta = ChatChunk["choices"][number]["delta"];

export function createCohereStreamDecoder(target: ProviderTarget, now = Date.now): StreamDecoder<ChatChunk> {
  const sse = new SseParser();
  const created = Math.floor(now() / 1000);
  let id = "";
  let done = false;
  const batches = new EventBatches(target);
  // Cohere's tool-call index may count content blocks too (or be absent); OpenAI's counts tool calls from 0.
  const toolIndexByEvent = new Map<number, number>();
  let toolCount = 0;
  let currentTool = -1;

  const chunk = (delta: Delta): ChatChunk => ({
    id,
    object: "chat.completion.chunk",
    created,
    model: target.model,
    choices: [{ index: 0, delta, finish_reason: null }],
  });

  function toolIndex(eventIndex: number | undefined): number {
    if (eventIndex === undefined) return currentTool;
    return toolIndexByEvent.get(eventIndex) ?? currentTool;
  }

  function decode(ev: CohereStreamEvent, out: ChatChunk[]) {
    switch (ev.type) {
      case "message-start":
        id = ev.id ?? id;
        out.push(chunk({ role: "assistant", content: "" }));
        return;
      case "content-start":
      case "content-delta": {
        const c = ev.delta?.message?.content;
        if (c?.text) out.push(chunk({ content: c.text }));
        if (c?.thinking) out.push(chunk({ reasoning: c.thinking }));
        return;
      }
      case "tool-plan-delta": {
        // The plan is what Cohere says before calling tools: streamed as content, as the non-stream response has it.
        const plan = ev.delta?.message?.tool_plan;
        if (plan) out.push(chunk({ content: plan }));
        return;
      }
      case "tool-call-start": {
        const call = ev.delta?.message?.tool_calls ?? {};
        currentTool = toolCount++;
        if (ev.index !== undefined) toolIndexByEvent.set(ev.index, currentTool);
        const fn = { name: call.function?.name ?? "", arguments: "" };
        out.push(chunk({ tool_calls: [{ index: currentTool, id: call.id ?? "", type: "function", function: fn }] }));
        if (call.function?.arguments) out.push(chunk({ tool_calls: [{ index: currentTool, function: { arguments: call.function.arguments } }] }));
        return;
      }
      case "tool-call-delta": {
        const args = ev.delta?.message?.tool_calls?.function?.arguments;
        const index = toolIndex(ev.index);
        if (args && index >= 0) out.push(chunk({ tool_calls: [{ index, function: { arguments: args } }] }));
        return;
      }
      case "message-end": {
        const d = ev.delta ?? {};
        const failed = finishError(d.finish_reason, d.error, target);
        if (failed) throw failed;
        const last = chunk({});
        last.choices[0]!.finish_reason = toolCount > 0 ? "tool_calls" : mapFinishReason(d.finish_reason) ?? "stop";
        if (d.usage) last.usage = toUsage(d.usage);
        out.push(last);
        done = true;
        return;
      }
      // content-end, tool-call-end, citation-start/end, debug and event types added later carry nothing for the client.
    }
  }

  const take = (events: SseEvent[]) =>
    batches.run(
      events,
      () => done,
      (ev, out) => {
        // Some deployments close with an OpenAI-style sentinel after message-end.
        if (ev.data === "[DONE]") done = true;
        else decode(parse(ev, target), out);
      },
    );

  return {
    push: (text) => take(sse.push(text)),
    end: () => {
      const rest = take(sse.end());
      if (!done) throw truncatedStream(target, "message-end");
      return rest;
    },
    get done() {
      return done;
    },
  };
}

function parse(ev: SseEvent, target: ProviderTarget): CohereStreamEvent {
  // The event name and data.type agree on Cohere's wire; the name is the fallback.
  const json = parseEventJson(ev, target);
  // An error body in the stream (a proxy, or Cohere failing mid-stream) ends it with the upstream's message.
  if (typeof json.type !== "string" && typeof json.message === "string") {
    throw new BifrostError({ status: 502, type: "upstream_error", message: json.message, isBifrostError: false, extra: { provider: target.provider } });
  }
  return json;
}


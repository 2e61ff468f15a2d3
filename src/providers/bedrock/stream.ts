/** ConverseStream's eventstream (messageStart … messageStop, metadata) → canonical chat.completion.chunk objects. */
import type { ChatChunk } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import type { BinaryStreamDecoder, ProviderTarget } from "../types";
import { streamException } from "./errors";
import { EventStreamDecoder, messageType, stringHeader, type EventStreamMessage } from "./eventstream";
import { mapStopReason, toUsage } from "./finish";
import { newCompletionId } from "./ids";

type Delta = ChatChunk["choices"][number]["delta"];

const utf8 = new TextDecoder();
const EMPTY = new Uint8Array(0);

export function createBedrockStreamDecoder(target: ProviderTarget, now = Date.now, newId = newCompletionId): BinaryStreamDecoder<ChatChunk> {
  const frames = new EventStreamDecoder();
  const id = newId();
  const created = Math.floor(now() / 1000);
  let stopped = false;
  let done = false;
  /** Raised after chunks were already decoded from the same bytes: those go out first, the error on the next call. */
  let failure: BifrostError | null = null;
  // Converse indexes all content blocks; OpenAI indexes tool calls only, from 0.
  const toolIndexByBlock = new Map<number, number>();

  const chunk = (delta: Delta, finish: ChatChunk["choices"][number]["finish_reason"] = null): ChatChunk => ({
    id,
    object: "chat.completion.chunk",
    created,
    model: target.model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });

  /** `ev` is the parsed payload of one StreamEvents member, unvalidated: every field read is guarded. */
  function event(type: string, ev: any, out: ChatChunk[]): void {
    switch (type) {
      case "messageStart":
        out.push(chunk({ role: "assistant", content: "" }));
        return;
      case "contentBlockStart": {
        const tool = ev.start?.toolUse;
        if (!tool) return;
        const index = toolIndexByBlock.size;
        toolIndexByBlock.set(ev.contentBlockIndex, index);
        out.push(chunk({ tool_calls: [{ index, id: tool.toolUseId, type: "function", function: { name: tool.name, arguments: "" } }] }));
        return;
      }
      case "contentBlockDelta": {
        const d = ev.delta ?? {};
        if (typeof d.text === "string") {
          if (d.text) out.push(chunk({ content: d.text }));
        } else if (d.toolUse) {
          const index = toolIndexByBlock.get(ev.contentBlockIndex);
          if (index !== undefined && d.toolUse.input) out.push(chunk({ tool_calls: [{ index, function: { arguments: d.toolUse.input } }] }));
        } else if (d.reasoningContent) {
          const r = d.reasoningContent;
          if (r.text) out.push(chunk({ reasoning: r.text }));
          else if (r.signature) out.push(chunk({ reasoning_details: [{ type: "reasoning.text", signature: r.signature }] }));
          else if (r.redactedContent) out.push(chunk({ reasoning_details: [{ type: "reasoning.encrypted", data: r.redactedContent }] }));
        }
        return;
      }
      case "messageStop":
        stopped = true;
        out.push(chunk({}, mapStopReason(ev.stopReason) ?? "stop"));
        return;
      case "metadata": {
        // Usage comes last, after messageStop: an OpenAI-style usage chunk with no choices.
        const last: ChatChunk = { id, object: "chat.completion.chunk", created, model: target.model, choices: [], usage: toUsage(ev.usage) };
        out.push(last);
        done = true;
        return;
      }
      // contentBlockStop and event types added later carry nothing for the client.
    }
  }

  function decode(m: EventStreamMessage, out: ChatChunk[]) {
    const kind = messageType(m);
    if (kind === "exception") throw streamException(stringHeader(m.headers, ":exception-type"), utf8.decode(m.body), target);
    if (kind === "error") {
      const code = stringHeader(m.headers, ":error-code");
      throw streamException(code, JSON.stringify({ message: stringHeader(m.headers, ":error-message") ?? code ?? "" }), target);
    }
    if (kind !== "event") return;
    const type = stringHeader(m.headers, ":event-type");
    if (!type) return;
    let payload: any;
    try {
      payload = JSON.parse(utf8.decode(m.body));
    } catch {
      throw malformed(target, "an event payload is not JSON");
    }
    if (!payload || typeof payload !== "object") throw malformed(target, "an event payload is not an object");
    event(type, payload, out);
  }

  function take(bytes: Uint8Array | null): ChatChunk[] {
    if (failure) throw failure;
    const out: ChatChunk[] = [];
    try {
      // At the end an empty push surfaces a frame error held back behind earlier messages.
      const messages = frames.push(bytes ?? EMPTY);
      for (const m of messages) {
        if (done) break;
        decode(m, out);
      }
    } catch (err) {
      const e = err instanceof BifrostError ? withProvider(err, target) : malformed(target, "an event could not be read");
      if (out.length === 0) throw e;
      failure = e;
    }
    return out;
  }

  return {
    binary: true,
    push: (bytes) => take(bytes),
    end: () => {
      const rest = take(null);
      if (done) return rest;
      if (frames.pending > 0 && !stopped) throw malformed(target, "the stream ended inside a message");
      // metadata (usage) may be missing; the answer itself is complete once messageStop arrived.
      if (!stopped) {
        throw new BifrostError({ status: 502, type: "upstream_error", message: "upstream stream ended before messageStop", extra: { provider: target.provider } });
      }
      done = true;
      return rest;
    },
    get done() {
      return done;
    },
  };
}

function withProvider(e: BifrostError, target: ProviderTarget): BifrostError {
  e.extra = { provider: target.provider, ...e.extra };
  return e;
}

function malformed(target: ProviderTarget, reason: string): BifrostError {
  return new BifrostError({
    status: 502,
    type: "upstream_error",
    code: "malformed_event_stream",
    message: `upstream sent a malformed event stream: ${reason}`,
    extra: { provider: target.provider },
  });
}

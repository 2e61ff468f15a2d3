/**
 * What every SSE stream decoder shares: reading an event's JSON, the malformed/truncated errors, and
 * deferring an error that arrives after chunks already decoded from the same text, so the output never
 * depends on how the upstream's bytes happened to be split.
 */
import type { ChatChunk } from "../schemas/chat";
import { BifrostError } from "../schemas/error";
import type { SseEvent } from "./sse";
import type { ProviderTarget } from "./types";

export function malformedStream(target: ProviderTarget): BifrostError {
  return new BifrostError({ status: 502, type: "upstream_error", message: "upstream sent a malformed stream event", extra: { provider: target.provider } });
}

/** The upstream closed before its terminal event (`message_stop`, `message-end`, a finish reason). */
export function truncatedStream(target: ProviderTarget, terminal: string): BifrostError {
  return new BifrostError({ status: 502, type: "upstream_error", message: `upstream stream ended before ${terminal}`, extra: { provider: target.provider } });
}

/** An event's JSON object; when its `type` is missing, the SSE event name stands in. */
export function parseEventJson(ev: SseEvent, target: ProviderTarget): any {
  let json: any;
  try {
    json = JSON.parse(ev.data);
  } catch {
    throw malformedStream(target);
  }
  if (!json || typeof json !== "object") throw malformedStream(target);
  if (typeof json.type !== "string" && ev.event) json.type = ev.event;
  return json;
}

/** Runs a decoder over event batches; a failure after some chunks waits for the next call. */
export class EventBatches {
  private failure: BifrostError | null = null;

  constructor(private readonly target: ProviderTarget) {}

  /** Decode until `stop()`; `one` appends the chunks of one event. */
  run(events: SseEvent[], stop: () => boolean, one: (ev: SseEvent, out: ChatChunk[]) => void): ChatChunk[] {
    const out: ChatChunk[] = [];
    try {
      if (this.failure) throw this.failure;
      for (const ev of events) {
        if (stop()) break;
        one(ev, out);
      }
    } catch (err) {
      // A shape we cannot read is the upstream's fault, not ours.
      this.defer(err instanceof BifrostError ? err : malformedStream(this.target), out);
    }
    return out;
  }

  /** Throw now if nothing was decoded; otherwise hand the chunks out and throw on the next call. */
  defer(e: BifrostError, out: ChatChunk[]): void {
    if (out.length === 0) throw e;
    this.failure = e;
  }
}

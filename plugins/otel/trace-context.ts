/**
 * W3C trace context in and out. A request's span ids are chosen in preRequest (so the provider call can carry
 * `traceparent` at once) while the span itself is built when the request ends, with its real start and end:
 * PresetIds hands the chosen ids to the SDK for that one span.
 */
import { ROOT_CONTEXT, trace, TraceFlags, type SpanContext } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { RandomIdGenerator, type IdGenerator } from "@opentelemetry/sdk-trace";

const propagator = new W3CTraceContextPropagator();
const getter = {
  get: (carrier: Readonly<Record<string, string>>, key: string) => carrier[key],
  keys: (carrier: Readonly<Record<string, string>>) => Object.keys(carrier),
};

/** The ids a request's span will have, and the client's span it continues (null: a new trace). */
export interface RequestIds {
  traceId: string;
  spanId: string;
  parent: SpanContext | null;
}

/** The client's `traceparent`/`tracestate` (lower-cased headers), when valid. */
export function clientParent(headers: Readonly<Record<string, string>>): SpanContext | null {
  if (!headers.traceparent) return null;
  const sc = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, headers, getter));
  return sc && trace.isSpanContextValid(sc) ? sc : null;
}

const random = new RandomIdGenerator();

export function newRequestIds(headers: Readonly<Record<string, string>>): RequestIds {
  const parent = clientParent(headers);
  return { traceId: parent?.traceId ?? random.generateTraceId(), spanId: random.generateSpanId(), parent };
}

/** The headers a provider call carries: our request span as the parent, the client's sampling flag and tracestate kept. */
export function upstreamHeaders(ids: RequestIds): Record<string, string> {
  const sc: SpanContext = {
    traceId: ids.traceId,
    spanId: ids.spanId,
    traceFlags: ids.parent ? ids.parent.traceFlags : TraceFlags.SAMPLED,
    traceState: ids.parent?.traceState,
  };
  const out: Record<string, string> = {};
  propagator.inject(trace.setSpanContext(ROOT_CONTEXT, sc), out, { set: (c, k, v) => void (c[k] = v) });
  return out;
}

/** Random ids, except while `using` runs: then the span it starts takes the preset ids. */
export class PresetIds implements IdGenerator {
  private ids: RequestIds | null = null;

  /** Start one span with these ids (the SDK asks for them synchronously inside startSpan). */
  using<T>(ids: RequestIds, start: () => T): T {
    this.ids = ids;
    try {
      return start();
    } finally {
      this.ids = null;
    }
  }

  generateTraceId(): string {
    return this.ids?.traceId ?? random.generateTraceId();
  }

  generateSpanId(): string {
    return this.ids?.spanId ?? random.generateSpanId();
  }
}

/**
 * Canonical chunks → Responses streaming events: response.created and .in_progress, then one output item at a
 * time (reasoning, message, function_call) with its added / delta / done events, then response.completed (or
 * .incomplete) carrying the whole Response. Every event has a sequence_number.
 */
import { sseEvent } from "../../providers/sse";
import type { ChatChunk, FinishReason, Usage } from "../../schemas/chat";
import type { BifrostError } from "../../schemas/error";
import type { Frame, StreamEncoder } from "../types";
import { outcome, responseObject, type ResponsesParams } from "./envelope";
import { baseId, callId, functionCallId, itemId, responseId } from "./ids";
import { messageItem, outputText } from "./items";
import { packReasoning, type ReasoningDetail } from "./reasoning";
import type { FunctionCallItem, ItemStatus, MessageItem, OutputItem, ReasoningItem, ResponseStatus } from "./types";
import { toResponsesUsage } from "./usage";

type Delta = ChatChunk["choices"][number]["delta"];

interface OpenMessage {
  kind: "message";
  index: number;
  item: MessageItem;
  /** The content part being streamed, or -1. */
  part: number;
}
interface OpenReasoning {
  kind: "reasoning";
  index: number;
  item: ReasoningItem;
  details: ReasoningDetail[];
  /** The reasoning.text detail text and signature accumulate into. */
  signed: ReasoningDetail | null;
}
interface OpenCall {
  kind: "function_call";
  index: number;
  item: FunctionCallItem;
}
type Open = OpenMessage | OpenReasoning | OpenCall;

export function createResponsesStreamEncoder(params: ResponsesParams, now = Date.now): StreamEncoder {
  let seq = 0;
  let started = false;
  let ended = false;
  let base = "";
  let created = 0;
  let model = params.model ?? "";
  const output: OutputItem[] = [];
  let open: Open | null = null;
  const calls = new Map<number, OpenCall>();
  const counts = { msg: 0, rs: 0 };
  let finish: FinishReason | undefined;
  let usage: Usage | null = null;
  let out: Frame[] = [];

  // Serialized at once: items are mutated afterwards, the event must show them as they were.
  const emit = (type: string, fields: Record<string, unknown>) => out.push(sseEvent(type, JSON.stringify({ type, sequence_number: seq++, ...fields })));
  const response = (status: ResponseStatus, extra: { error?: { code: string; message: string }; incomplete_details?: { reason: string } | null } = {}) =>
    responseObject({ id: responseId(base), created_at: created, model, status, output, usage: status === "in_progress" ? null : toResponsesUsage(usage), ...extra }, params.request);

  function start(c: ChatChunk | null) {
    started = true;
    base = baseId(c?.id);
    created = c?.created ?? Math.floor(now() / 1000);
    model = c?.model || model;
    const r = response("in_progress");
    emit("response.created", { response: r });
    emit("response.in_progress", { response: r });
  }

  function add<T extends Open>(o: T): T {
    close("completed");
    output.push(o.item);
    emit("response.output_item.added", { output_index: o.index, item: o.item });
    open = o;
    return o;
  }

  // ── message ──────────────────────────────────────────────────────────

  function message(): OpenMessage {
    if (open?.kind === "message") return open;
    return add({ kind: "message", index: output.length, item: messageItem(itemId("msg", base, counts.msg++), [], "in_progress"), part: -1 });
  }

  function messageDelta(type: "output_text" | "refusal", delta: string) {
    const m = message();
    if (m.part === -1 || m.item.content[m.part]!.type !== type) {
      closePart(m);
      m.part = m.item.content.length;
      const part = type === "output_text" ? outputText("") : { type: "refusal" as const, refusal: "" };
      m.item.content.push(part);
      emit("response.content_part.added", { item_id: m.item.id, output_index: m.index, content_index: m.part, part });
    }
    const part = m.item.content[m.part]!;
    const at = { item_id: m.item.id, output_index: m.index, content_index: m.part };
    if (part.type === "output_text") {
      part.text += delta;
      emit("response.output_text.delta", { ...at, delta, logprobs: [] });
    } else {
      part.refusal += delta;
      emit("response.refusal.delta", { ...at, delta });
    }
  }

  function closePart(m: OpenMessage) {
    if (m.part === -1) return;
    const part = m.item.content[m.part]!;
    const at = { item_id: m.item.id, output_index: m.index, content_index: m.part };
    if (part.type === "output_text") emit("response.output_text.done", { ...at, text: part.text, logprobs: [] });
    else emit("response.refusal.done", { ...at, refusal: part.refusal });
    emit("response.content_part.done", { ...at, part });
    m.part = -1;
  }

  // ── reasoning ────────────────────────────────────────────────────────

  function reasoning(): OpenReasoning {
    if (open?.kind === "reasoning") return open;
    const item: ReasoningItem = { id: itemId("rs", base, counts.rs++), type: "reasoning", summary: [], content: [] };
    return add({ kind: "reasoning", index: output.length, item, details: [], signed: null });
  }

  function signedDetail(r: OpenReasoning): ReasoningDetail {
    if (!r.signed) r.details.push((r.signed = { type: "reasoning.text", text: "" }));
    return r.signed;
  }

  function reasoningDelta(d: Delta) {
    // OpenRouter-style upstreams send the text in both fields: `reasoning` wins, details then only add signatures.
    const text = d.reasoning || (d.reasoning_details ?? []).map((x) => (x.type === "reasoning.text" ? x.text ?? "" : "")).join("");
    if (text) {
      const r = reasoning();
      if (r.item.content.length === 0) {
        r.item.content.push({ type: "reasoning_text", text: "" });
        emit("response.content_part.added", { item_id: r.item.id, output_index: r.index, content_index: 0, part: { type: "reasoning_text", text: "" } });
      }
      r.item.content[0]!.text += text;
      signedDetail(r).text += text;
      emit("response.reasoning_text.delta", { item_id: r.item.id, output_index: r.index, content_index: 0, delta: text });
    }
    for (const x of d.reasoning_details ?? []) {
      if (x.signature) signedDetail(reasoning()).signature = x.signature;
      else if (x.type === "reasoning.encrypted" && x.data) reasoning().details.push({ type: "reasoning.encrypted", data: x.data });
    }
  }

  function closeReasoning(r: OpenReasoning) {
    const part = r.item.content[0];
    if (part) {
      emit("response.reasoning_text.done", { item_id: r.item.id, output_index: r.index, content_index: 0, text: part.text });
      emit("response.content_part.done", { item_id: r.item.id, output_index: r.index, content_index: 0, part });
    }
    const packed = packReasoning(r.details);
    if (packed) r.item.encrypted_content = packed;
  }

  // ── function calls ───────────────────────────────────────────────────

  function toolCalls(d: Delta) {
    for (const tc of d.tool_calls ?? []) {
      let call = calls.get(tc.index);
      if (!call) {
        const id = callId(tc.id);
        const item: FunctionCallItem = { id: functionCallId(id), type: "function_call", status: "in_progress", arguments: "", call_id: id, name: tc.function?.name ?? "" };
        call = add({ kind: "function_call", index: output.length, item });
        calls.set(tc.index, call);
      }
      // A late piece for an earlier call keeps that call's output_index: the SDK accumulates by index.
      const args = tc.function?.arguments;
      if (args) {
        call.item.arguments += args;
        emit("response.function_call_arguments.delta", { item_id: call.item.id, output_index: call.index, delta: args });
      }
    }
  }

  // ── items and the response ───────────────────────────────────────────

  function close(status: ItemStatus) {
    const o = open;
    if (!o) return;
    open = null;
    if (o.kind === "message") {
      closePart(o);
      o.item.status = status;
    } else if (o.kind === "reasoning") closeReasoning(o);
    else {
      // Clients JSON.parse arguments: a call without any is "{}".
      o.item.arguments ||= "{}";
      o.item.status = status;
      emit("response.function_call_arguments.done", { item_id: o.item.id, output_index: o.index, arguments: o.item.arguments });
    }
    emit("response.output_item.done", { output_index: o.index, item: o.item });
  }

  function complete() {
    close("completed");
    const end = outcome(finish);
    const r = response(end.status, { incomplete_details: end.incomplete_details });
    r.completed_at = Math.floor(now() / 1000);
    emit(end.status === "completed" ? "response.completed" : "response.incomplete", { response: r });
    ended = true;
  }

  function take(fn: () => void): Frame[] {
    out = [];
    fn();
    return out;
  }

  return {
    contentType: "text/event-stream",
    chunk: (c) =>
      take(() => {
        if (ended) return;
        if (!started) start(c);
        if (c.usage) usage = c.usage;
        const choice = c.choices?.[0];
        if (choice && finish === undefined) {
          const d = choice.delta ?? {};
          reasoningDelta(d);
          if (d.content) messageDelta("output_text", d.content);
          if (d.refusal) messageDelta("refusal", d.refusal);
          toolCalls(d);
          if (choice.finish_reason) {
            finish = choice.finish_reason;
            close(outcome(finish).status === "incomplete" ? "incomplete" : "completed");
          }
        }
        // Usage often arrives in its own chunk after the finish_reason: the final event waits for it.
        if (finish !== undefined && c.usage) complete();
      }),
    end: () =>
      take(() => {
        if (ended) return;
        if (!started) start(null);
        complete();
      }),
    error: (e: BifrostError) =>
      take(() => {
        const code = e.code ?? e.type;
        // Clients watching lifecycle events see the failure; the error event then makes both SDK stream paths throw.
        if (started && !ended) emit("response.failed", { response: response("failed", { error: { code, message: e.message } }) });
        emit("error", { code, message: e.message, param: e.param });
        ended = true;
      }),
  };
}

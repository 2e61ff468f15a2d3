/**
 * Canonical chunks → GenAI's stream: `data: <GenerateContentResponse>\r\n\r\n` per event (Google's own
 * framing; the SDKs split on \n\n, \r\r or \r\n\r\n), no end marker. Gemini never streams a function
 * call in pieces, so argument deltas are buffered and sent as one functionCall part when the choice finishes.
 * A failure mid-stream is Google's bare error body, as the API sends it: @google/genai raises an ApiError
 * for that, while a data: event holding {"error"} would pass silently as an empty chunk.
 */
import type { ChatChunk, Usage } from "../../schemas/chat";
import type { BifrostError } from "../../schemas/error";
import { readSignatures } from "../../providers/gemini/signatures";
import type { GeminiCandidate, GeminiPart, GeminiResponse } from "../../providers/gemini/types";
import type { StreamEncoder } from "../types";
import { googleErrorJson } from "./errors";
import { functionCallPart, toFinishReason, toUsageMetadata } from "./response";

interface PendingCall {
  id?: string;
  name: string;
  args: string;
}

interface ChoiceState {
  calls: Map<number, PendingCall>;
  details: NonNullable<ChatChunk["choices"][number]["delta"]["reasoning_details"]>;
}

const frame = (json: unknown) => `data: ${JSON.stringify(json)}\r\n\r\n`;

export function genaiStreamEncoder(): StreamEncoder {
  let id = "";
  let model = "";
  const choices = new Map<number, ChoiceState>();
  /** A finished event held back one chunk: OpenAI-style upstreams send usage in a chunk of its own after the finish. */
  let held: GeminiResponse | null = null;

  const state = (index: number): ChoiceState => {
    let s = choices.get(index);
    if (!s) choices.set(index, (s = { calls: new Map(), details: [] }));
    return s;
  };

  const event = (candidates: GeminiCandidate[], usage?: Usage | null): GeminiResponse => {
    const ev: GeminiResponse = { candidates };
    if (usage) ev.usageMetadata = toUsageMetadata(usage);
    ev.modelVersion = model;
    ev.responseId = id;
    return ev;
  };

  /** The buffered calls of a choice as complete functionCall parts, in tool-call order. */
  const flushCalls = (s: ChoiceState): GeminiPart[] => {
    const signatures = readSignatures(s.details);
    const parts = [...s.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, c]) => functionCallPart(c.id, c.name, c.args, c.id ? signatures.byCallId.get(c.id) : undefined));
    s.calls.clear();
    return parts;
  };

  const release = (): string[] => {
    const out = held ? [frame(held)] : [];
    held = null;
    return out;
  };

  return {
    contentType: "text/event-stream",

    chunk(c: ChatChunk) {
      if (!id) {
        id = c.id;
        model = c.model;
      }
      // A usage-only chunk completes the held finish event.
      if (held && c.choices.length === 0 && c.usage) {
        held.usageMetadata = toUsageMetadata(c.usage);
        return release();
      }
      const out = release();
      const candidates: GeminiCandidate[] = [];
      let finishing = false;
      for (const choice of c.choices) {
        const s = state(choice.index);
        const d = choice.delta ?? {};
        const parts: GeminiPart[] = [];
        if (d.reasoning) parts.push({ text: d.reasoning, thought: true });
        if (d.content) parts.push({ text: d.content });
        if (d.refusal) parts.push({ text: d.refusal });
        if (d.reasoning_details) {
          s.details.push(...d.reasoning_details);
          // A signature of the text goes out as Gemini sends it: on an empty text part.
          const textSignature = readSignatures(d.reasoning_details).text;
          if (textSignature) parts.push({ text: "", thoughtSignature: textSignature });
        }
        for (const t of d.tool_calls ?? []) {
          const call = s.calls.get(t.index) ?? { name: "", args: "" };
          if (t.id) call.id = t.id;
          if (t.function?.name) call.name = t.function.name;
          if (t.function?.arguments) call.args += t.function.arguments;
          s.calls.set(t.index, call);
        }
        const finish = toFinishReason(choice.finish_reason);
        if (finish) parts.push(...flushCalls(s));
        if (parts.length === 0 && !finish) continue;
        const candidate: GeminiCandidate = { content: { role: "model", parts }, index: choice.index };
        if (finish) {
          candidate.finishReason = finish;
          finishing = true;
        }
        candidates.push(candidate);
      }
      if (candidates.length === 0) {
        if (c.usage) out.push(frame(event([], c.usage)));
        return out;
      }
      const ev = event(candidates, c.usage);
      if (finishing && !c.usage) held = ev;
      else out.push(frame(ev));
      return out;
    },

    end() {
      const out = release();
      // A stream that ended without finish_reason still delivers the calls it announced.
      const candidates: GeminiCandidate[] = [];
      for (const [index, s] of choices) {
        if (s.calls.size) candidates.push({ content: { role: "model", parts: flushCalls(s) }, finishReason: "STOP", index });
      }
      if (candidates.length) out.push(frame(event(candidates)));
      return out;
    },

    error(e: BifrostError) {
      return [...release(), `${JSON.stringify(googleErrorJson(e), null, 2)}\n`];
    },
  };
}

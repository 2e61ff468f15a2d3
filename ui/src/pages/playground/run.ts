/**
 * One chat request through the gateway's own POST /v1/chat/completions, as any client makes it: the
 * session cookie goes along (same origin), a pasted virtual key as x-bf-vk. A stream is read as it
 * arrives and reported after every read; aborting the signal stops it (the gateway then cancels upstream).
 */
import { applyChunk, carriesText, emptyAnswer, fromCompletion, type Answer } from "./answer";
import { errorIn, readStream, type StreamError } from "./sse";

export interface ChatSettings {
  model: string;
  system: string;
  /** As typed: "" leaves the parameter out (the model's default). */
  temperature: string;
  maxTokens: string;
  topP: string;
  stream: boolean;
}

export interface Turn {
  role: "user" | "assistant";
  content: string;
}

/** The request body: the system prompt first, the conversation, the parameters that were set. */
export function chatBody(s: ChatSettings, turns: Turn[]): Record<string, unknown> {
  const messages: Array<{ role: string; content: string }> = [];
  if (s.system.trim()) messages.push({ role: "system", content: s.system });
  for (const t of turns) messages.push({ role: t.role, content: t.content });
  const body: Record<string, unknown> = { model: s.model.trim(), messages };
  const num = (v: string) => (v.trim() === "" ? undefined : Number(v));
  const temperature = num(s.temperature);
  const maxTokens = num(s.maxTokens);
  const topP = num(s.topP);
  if (temperature !== undefined && Number.isFinite(temperature)) body.temperature = temperature;
  if (maxTokens !== undefined && Number.isFinite(maxTokens)) body.max_tokens = Math.floor(maxTokens);
  if (topP !== undefined && Number.isFinite(topP)) body.top_p = topP;
  if (s.stream) {
    body.stream = true;
    // The final chunk then carries usage (and extra_fields.cost): see src/http/stream-usage.ts.
    body.stream_options = { include_usage: true };
  }
  return body;
}

export interface Progress {
  answer: Answer;
  requestId: string | null;
  /** From sending to the first chunk carrying text. */
  ttftMs: number | null;
}

export interface RunResult extends Progress {
  outcome: "done" | "stopped" | "error";
  error?: StreamError;
  latencyMs: number;
}

export interface RunOptions {
  vk?: string;
  signal: AbortSignal;
  onProgress?: (p: Progress) => void;
}

export async function runChat(body: Record<string, unknown>, opts: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const p: Progress = { answer: emptyAnswer(), requestId: null, ttftMs: null };
  const finish = (outcome: RunResult["outcome"], error?: StreamError): RunResult => ({ ...p, outcome, error, latencyMs: performance.now() - started });
  const headers: Record<string, string> = { "content-type": "application/json", accept: body.stream ? "text/event-stream" : "application/json" };
  if (opts.vk) headers["x-bf-vk"] = opts.vk;
  try {
    const res = await fetch("/v1/chat/completions", { method: "POST", headers, body: JSON.stringify(body), credentials: "same-origin", signal: opts.signal });
    p.requestId = res.headers.get("x-request-id");
    if (!res.ok) {
      const text = await res.text();
      let err: StreamError | null = null;
      try {
        err = errorIn(JSON.parse(text));
      } catch {
        /* not JSON: the status line says it */
      }
      return finish("error", { message: `${res.status} ${res.statusText || "error"}`, ...err, status: res.status });
    }
    const sse = (res.headers.get("content-type") ?? "").includes("text/event-stream");
    if (!sse || !res.body) {
      const json = await res.json();
      const err = errorIn(json);
      p.answer = fromCompletion(json, res.headers.get("x-bf-cost"));
      return err ? finish("error", err) : finish("done");
    }
    opts.onProgress?.({ ...p });
    for await (const items of readStream(res.body)) {
      for (const item of items) {
        if (item.kind === "error") return finish("error", item.error);
        if (item.kind === "done") continue;
        if (p.ttftMs === null && carriesText(item.chunk)) p.ttftMs = performance.now() - started;
        p.answer = applyChunk(p.answer, item.chunk);
      }
      opts.onProgress?.({ ...p });
    }
    return finish("done");
  } catch (e) {
    if (opts.signal.aborted) return finish("stopped");
    return finish("error", { message: e instanceof TypeError ? "the gateway could not be reached (or the stream broke)" : String((e as Error)?.message ?? e) });
  }
}

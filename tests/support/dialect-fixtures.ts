/** Helpers for the ingress dialects' tests: checking encoder frames, canonical chunks, and a canned-dialect server. */
import { SseParser } from "../../src/providers/sse";
import type { ChatChunk, ChatResponse } from "../../src/schemas/chat";

/** Decodes encoder frames into {event, data} pairs, checking each frame is exactly one SSE event. */
export function sseEvents(frames: Array<string | Uint8Array>): Array<{ event: string | null; data: any }> {
  return frames.map((f) => {
    const sse = new SseParser();
    const events = sse.push(typeof f === "string" ? f : new TextDecoder().decode(f));
    if (events.length !== 1 || sse.end().length) throw new Error(`frame is not exactly one SSE event: ${JSON.stringify(f)}`);
    return { event: events[0]!.event, data: JSON.parse(events[0]!.data) };
  });
}

type Choice = ChatChunk["choices"][number];

/** A one-choice canonical chunk, for encoder tests. */
export const canonicalChunk = (delta: Choice["delta"], finish: Choice["finish_reason"] = null, usage?: ChatChunk["usage"]): ChatChunk => ({
  id: "chatcmpl-x",
  object: "chat.completion.chunk",
  created: 1,
  model: "m",
  choices: [{ index: 0, delta, finish_reason: finish }],
  ...(usage ? { usage } : {}),
});

import type { IngressDialect, IngressParams } from "../../src/dialects/types";
import type { ChatRequest } from "../../src/schemas/chat";
import { BifrostError } from "../../src/schemas/error";

/**
 * A tiny server speaking through one dialect, for driving a vendor's SDK offline: the request's model names
 * the canned fixture to answer with; the model "fail-mid-stream" fails after three chunks of "openai-text".
 */
export function cannedDialectServer(dialect: IngressDialect, path: string, fixtures: { chatResponse(name: string): ChatResponse; chatChunks(name: string): ChatChunk[] }) {
  const seen: ChatRequest[] = [];
  const bytes = new TextEncoder();
  const server = Bun.serve({
    port: 0,
    async fetch(req) {
      if (new URL(req.url).pathname !== path) return new Response("not found", { status: 404 });
      const body = await req.json();
      let chat: ChatRequest;
      try {
        chat = dialect.toChatRequest(body, {});
      } catch (err) {
        const { status, body } = dialect.errorBody(BifrostError.from(err));
        return Response.json(body, { status });
      }
      seen.push(chat);
      // Dialects that echo the request (Responses) read it from here.
      const params = { request: body } as IngressParams;
      if (!chat.stream) return Response.json(dialect.fromChatResponse(fixtures.chatResponse(chat.model), params));
      const enc = dialect.streamEncoder(params);
      const failing = chat.model === "fail-mid-stream";
      const chunks = fixtures.chatChunks(failing ? "openai-text" : chat.model).slice(0, failing ? 3 : undefined);
      const stream = new ReadableStream({
        start(ctrl) {
          // One enqueue per frame, as the gateway writes them.
          for (const c of chunks) for (const f of enc.chunk(c)) ctrl.enqueue(typeof f === "string" ? bytes.encode(f) : f);
          const tail = failing ? enc.error(new BifrostError({ status: 529, type: "upstream_error", message: "upstream overloaded" })) : enc.end();
          for (const f of tail) ctrl.enqueue(typeof f === "string" ? bytes.encode(f) : f);
          ctrl.close();
        },
      });
      return new Response(stream, { headers: { "content-type": enc.contentType } });
    },
  });
  return { server, seen };
}

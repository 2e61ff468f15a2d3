/**
 * mitata micro-benches of the hot path: body decoding, validation, key selection, request
 * translation, the answer's serialisation (splice vs re-serialise), SSE encode/decode, the worker
 * call message (pooled vs fresh) and the worker round trip (transfer vs clone). `bun run bench`.
 */
import { bench, do_not_optimize, group, run, summary } from "mitata";
import { resolveConfig } from "../src/config/load";
import { selectKey } from "../src/core/keys";
import { resolveModel } from "../src/core/router";
import { anthropicAdapter, createAnthropicStreamDecoder } from "../src/providers/anthropic";
import { createOpenAIAdapter, createOpenAIStreamDecoder } from "../src/providers/openai/adapter";
import { SseParser } from "../src/providers/sse";
import type { ProviderTarget } from "../src/providers/types";
import { validateChatRequest } from "../src/schemas/requests";
import { Answer } from "../src/core/answer";

const chat = {
  model: "openai/gpt-4o-mini",
  messages: [
    { role: "system", content: "You are a helpful assistant. ".repeat(20) },
    { role: "user", content: "Tell me about the weather in Paris and then book a table. ".repeat(10) },
    { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } }] },
    { role: "tool", tool_call_id: "call_1", content: "sunny, 24C" },
  ],
  tools: [{ type: "function", function: { name: "weather", description: "get weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
  temperature: 0.4,
  max_tokens: 512,
};
const chatJson = JSON.stringify(chat);
const cfg = resolveConfig(
  {
    providers: {
      openai: { keys: [{ name: "a", value: "k1", models: ["gpt-4o-mini", "gpt-4o"], weight: 3 }, { name: "b", value: "k2", weight: 1 }, { name: "c", value: "k3", models: ["gpt-4o"], weight: 1 }] },
      anthropic: { keys: [{ value: "k" }] },
    },
  },
  {},
);
const openai = cfg.providers.get("openai")!;
const target: ProviderTarget = { provider: "openai", model: "gpt-4o-mini", baseUrl: "https://api.openai.com", apiKey: "sk", extraHeaders: {} };
const oa = createOpenAIAdapter({ kind: "openai" });
const chunk = (i: number) =>
  `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content: ` word${i}` }, finish_reason: null }] })}\n\n`;
const openaiStream = Array.from({ length: 50 }, (_, i) => chunk(i)).join("") + "data: [DONE]\n\n";
const anthropicStream =
  `event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[],"stop_reason":null,"usage":{"input_tokens":10,"output_tokens":1}}}\n\n` +
  `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n` +
  Array.from({ length: 50 }, (_, i) => `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" word${i}"}}\n\n`).join("") +
  `event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\nevent: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":50}}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n`;

group("validation (2 KB chat body)", () => {
  bench("JSON.parse", () => do_not_optimize(JSON.parse(chatJson)));
  bench("compiled TypeBox check", () => do_not_optimize(validateChatRequest(chat)));
});

// An agent conversation: many turns of tool calls and results (~220 KiB).
const agent = {
  model: "openai/gpt-4o",
  messages: Array.from({ length: 260 }, (_, i) =>
    i % 2 === 0
      ? { role: "tool", tool_call_id: `call_${i}`, content: JSON.stringify({ rows: Array.from({ length: 12 }, (_, j) => ({ id: j, name: `item ${j}`, note: "lorem ipsum dolor sit amet ".repeat(3) })) }) }
      : { role: "assistant", content: null, tool_calls: [{ id: `call_${i + 1}`, type: "function", function: { name: "search", arguments: '{"q":"next page"}' } }] },
  ),
};
const agentBytes = new TextEncoder().encode(JSON.stringify(agent));
const utf8 = new TextDecoder("utf-8", { fatal: true });
group(`request body (${Math.round(agentBytes.byteLength / 1024)} KiB agent conversation)`, () => {
  bench("decode + parse once (the request path now)", () => do_not_optimize(JSON.parse(utf8.decode(agentBytes))));
  bench("decode + parse twice (before: HTTP, then the call)", () => {
    JSON.parse(utf8.decode(agentBytes));
    return do_not_optimize(JSON.parse(utf8.decode(agentBytes)));
  });
});

const upstreamAnswer = JSON.stringify({
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1,
  model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content: "A reply of a few sentences. ".repeat(12) }, finish_reason: "stop" }],
  usage: { prompt_tokens: 120, completion_tokens: 80, total_tokens: 200 },
});
group("the answer's JSON (upstream already canonical)", () => {
  bench("parse, splice extra_fields into the upstream text", () => {
    const v = JSON.parse(upstreamAnswer);
    v.extra_fields = { provider: "openai", model_requested: "openai/gpt-4o-mini", latency_ms: 1.5 };
    return do_not_optimize(Answer.spliced(v, upstreamAnswer).json());
  });
  bench("parse, re-serialise the object", () => {
    const v = JSON.parse(upstreamAnswer);
    v.extra_fields = { provider: "openai", model_requested: "openai/gpt-4o-mini", latency_ms: 1.5 };
    return do_not_optimize(JSON.stringify(v));
  });
});

// The worker message is flat; the pool of reusable envelopes it once had is gone: this shows why.
const pooled = { id: 0, op: "chat", type: "", provider: "", model: "", modelRequested: "", baseUrl: "", apiKey: "", keyConfig: "", extraHeaders: "", timeoutMs: 0, idleTimeoutMs: 0 };
let n = 0;
group("worker call message", () => {
  bench("fresh object literal", () =>
    do_not_optimize({ id: ++n, op: "chat", type: "openai", provider: "openai", model: "gpt-4o-mini", modelRequested: "openai/gpt-4o-mini", baseUrl: "https://api.openai.com", apiKey: "sk", keyConfig: "", extraHeaders: "", timeoutMs: 30000, idleTimeoutMs: 60000 }),
  );
  bench("refill a pooled envelope", () => {
    const h = pooled;
    h.id = ++n;
    h.op = "chat";
    h.type = "openai";
    h.provider = "openai";
    h.model = "gpt-4o-mini";
    h.modelRequested = "openai/gpt-4o-mini";
    h.baseUrl = "https://api.openai.com";
    h.apiKey = "sk";
    h.timeoutMs = 30000;
    h.idleTimeoutMs = 60000;
    return do_not_optimize(h);
  });
});

group("routing and key selection", () => {
  bench("resolveModel provider/model", () => do_not_optimize(resolveModel("openai/gpt-4o-mini", cfg.providers)));
  bench("selectKey weighted (3 keys)", () => do_not_optimize(selectKey(openai, "gpt-4o-mini")));
});

group("request translation", () => {
  bench("openai (prefix strip + serialise)", () => do_not_optimize(oa.chatRequest(chat as any, target, false)));
  bench("anthropic (full translation)", () => do_not_optimize(anthropicAdapter.chatRequest(chat as any, { ...target, provider: "anthropic", model: "claude" }, false)));
});

group("SSE decode (50 chunks)", () => {
  bench("SseParser alone", () => do_not_optimize(new SseParser().push(openaiStream)));
  bench("openai stream → canonical", () => do_not_optimize(createOpenAIStreamDecoder(target).push(openaiStream)));
  bench("anthropic stream → canonical", () => do_not_optimize(createAnthropicStreamDecoder(target).push(anthropicStream)));
});

group("SSE encode (50 canonical chunks)", () => {
  const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: "c", choices: [{ index: 0, delta: { content: `w${i}` } }] })).join("\n");
  bench("frame batch", () => {
    let out = "";
    for (const l of lines.split("\n")) out += `data: ${l}\n\n`;
    return do_not_optimize(out);
  });
});

const worker = new Worker(new URL("./echo-worker.ts", import.meta.url).href);
let seq = 0;
const pending = new Map<number, () => void>();
worker.onmessage = (e) => {
  pending.get(e.data.id)?.();
  pending.delete(e.data.id);
};
const roundTrip = (size: number, transfer: boolean) => {
  const id = ++seq;
  const body = new ArrayBuffer(size);
  return new Promise<void>((resolve) => {
    pending.set(id, resolve);
    worker.postMessage({ id, op: "chat", provider: "openai", model: "gpt-4o-mini", body }, transfer ? [body] : []);
  });
};
summary(() => {
  group("worker round trip", () => {
    for (const size of [2048, 65536, 1 << 20]) {
      bench(`${size / 1024} KB transferred`, () => roundTrip(size, true));
      bench(`${size / 1024} KB cloned`, () => roundTrip(size, false));
    }
  });
});

await run();
worker.terminate();

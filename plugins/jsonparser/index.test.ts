/** jsonparser in a real pipeline: loaded from plugins/ by name, upstream answers from the mock. */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { testPlugin, type ChatResponse } from "bifrost/plugin";
import { Bifrost } from "../../src/index";
import jsonparser from "./index";
import { startMockUpstream, type MockUpstream } from "../../tests/support/mock-upstream";

const PLUGINS_DIR = join(import.meta.dir, "..");
let mock: MockUpstream;
beforeAll(async () => void (mock = await startMockUpstream()));
afterAll(() => mock.stop());
beforeEach(() => mock.reset());

function gateway(config: Record<string, unknown> = {}) {
  return Bifrost.create(
    { providers: { openai: { keys: [{ value: "sk-json-1" }], network_config: { base_url: mock.url } } }, plugins: [{ name: "jsonparser", config }] },
    { workers: 0, pluginsDir: PLUGINS_DIR },
  );
}

const ask = (extra: Record<string, unknown> = {}) => ({ model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: "weather?" }], ...extra });

function completion(message: Record<string, unknown>, finish = "length") {
  return JSON.stringify({ id: "c1", object: "chat.completion", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, message: { role: "assistant", content: null, ...message }, finish_reason: finish }] });
}

/** An OpenAI SSE body from deltas; the last delta carries the finish reason. */
function sse(deltas: Array<Record<string, unknown>>, finish = "length") {
  const frame = (delta: unknown, finish_reason: string | null) =>
    `data: ${JSON.stringify({ id: "s1", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, delta, finish_reason }] })}\n\n`;
  return deltas.map((d) => frame(d, null)).join("") + frame({}, finish) + "data: [DONE]\n\n";
}

const argsDelta = (args: string, head = false) => ({ tool_calls: [{ index: 0, ...(head ? { id: "call_1", type: "function" } : {}), function: { ...(head ? { name: "weather" } : {}), arguments: args } }] });

async function collect(bf: Bifrost, req: Record<string, unknown>) {
  const chunks: any[] = [];
  for await (const c of bf.chatStream(req as any)) chunks.push(c);
  return chunks;
}

describe("whole responses", () => {
  test("truncated tool-call arguments are closed, and the repair is noted", async () => {
    mock.fault({ rawBody: completion({ tool_calls: [{ id: "call_1", type: "function", function: { name: "weather", arguments: '{"city": "Paris", "days": 3, "uni' } }] }) });
    const bf = await gateway();
    const res = await bf.chat(ask());
    expect(JSON.parse(res.choices[0]!.message.tool_calls![0]!.function.arguments)).toEqual({ city: "Paris", days: 3 });
    expect(res.extra_fields!.jsonparser).toEqual({ repaired: [{ choice: 0, target: "tool_call", tool_call: 0 }] });
    await bf.shutdown();
  });

  test("JSON-mode content is repaired; ordinary content is left alone", async () => {
    const bf = await gateway();
    mock.fault({ rawBody: completion({ content: '{"answer": ["a", "b' }), times: 2 });
    const json = await bf.chat(ask({ response_format: { type: "json_object" } }));
    expect(JSON.parse(json.choices[0]!.message.content!)).toEqual({ answer: ["a", "b"] });
    const prose = await bf.chat(ask());
    expect(prose.choices[0]!.message.content).toBe('{"answer": ["a", "b');
    expect(prose.extra_fields!.jsonparser).toBeUndefined();
    await bf.shutdown();
  });

  test("valid JSON passes untouched", async () => {
    const bf = await gateway();
    const res = await bf.chat(ask({ messages: [{ role: "user", content: "use the tool" }], tools: [{ type: "function", function: { name: "lookup" } }] }));
    expect(JSON.parse(res.choices[0]!.message.tool_calls![0]!.function.arguments)).toEqual({ query: "use the tool" });
    expect(res.extra_fields!.jsonparser).toBeUndefined();
    await bf.shutdown();
  });
});

describe("streams", () => {
  test("the concatenated argument deltas parse even when the stream was cut short", async () => {
    mock.fault({ rawBody: sse([argsDelta("", true), argsDelta('{"city": "Pa'), argsDelta('ris", "da'), argsDelta("ys\": 1")]) });
    const bf = await gateway();
    const chunks = await collect(bf, ask({ stream: true }));
    const pieces = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls?.map((t: any) => t.function?.arguments ?? "") ?? []);
    expect(pieces).toEqual(["", '{"city": "Pa', 'ris"', "", "}"]); // the partial key waits, then is dropped
    expect(JSON.parse(pieces.join(""))).toEqual({ city: "Paris" });
    expect(chunks.at(-1).extra_fields.jsonparser).toEqual({ repaired: [{ choice: 0, target: "tool_call", tool_call: 0 }] });
    await bf.shutdown();
  });

  test("a complete tool call streams through unchanged", async () => {
    const bf = await gateway();
    const chunks = await collect(bf, ask({ stream: true, messages: [{ role: "user", content: "use the tool" }], tools: [{ type: "function", function: { name: "lookup" } }] }));
    const args = chunks.map((c) => c.choices[0]?.delta?.tool_calls?.[0]?.function?.arguments ?? "").join("");
    expect(JSON.parse(args)).toEqual({ query: "use the tool" });
    expect(chunks.some((c) => c.extra_fields?.jsonparser)).toBe(false);
    await bf.shutdown();
  });

  test("JSON-mode content is completed on the finishing chunk; every_chunk mode adds the document so far", async () => {
    mock.fault({ rawBody: sse([{ role: "assistant", content: "" }, { content: '{"steps": [' }, { content: '"mix", "ba' }]) });
    const bf = await gateway({ mode: "every_chunk" });
    const chunks = await collect(bf, ask({ stream: true, response_format: { type: "json_object" } }));
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("");
    expect(JSON.parse(text)).toEqual({ steps: ["mix", "ba"] });
    const partials = chunks.flatMap((c) => c.extra_fields?.jsonparser?.partial ?? []).map((p: any) => p.json);
    expect(partials).toEqual(['{"steps": []}', '{"steps": ["mix", "ba"]}']);
    await bf.shutdown();
  });

  test("content that is not JSON after all passes through as it came", async () => {
    mock.fault({ rawBody: sse([{ content: "Sure! " }, { content: '{"a": 1}' }], "stop") });
    const bf = await gateway();
    const chunks = await collect(bf, ask({ stream: true, response_format: { type: "json_object" } }));
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("")).toBe('Sure! {"a": 1}');
    await bf.shutdown();
  });
});

describe("without a gateway (testPlugin)", () => {
  test("the pre-hook notes JSON mode for the post-hook of the same request; json_mode: false leaves content alone", async () => {
    const truncated = () => JSON.parse(completion({ content: '{"a": [1, "b' })) as ChatResponse;
    const p = await testPlugin(jsonparser);
    await p.pre(ask({ response_format: { type: "json_object" } }));
    const { res } = await p.post(truncated());
    expect(JSON.parse((res as ChatResponse).choices[0]!.message.content!)).toEqual({ a: [1, "b"] });
    await p.pre(ask());
    expect(await p.post(truncated())).toEqual({ res: truncated(), err: null });
    const off = await testPlugin(jsonparser, { config: { json_mode: false } });
    await off.pre(ask({ response_format: { type: "json_object" } }));
    expect((await off.post(truncated())).res).toEqual(truncated());
  });
});

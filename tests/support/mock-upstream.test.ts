import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { startMockUpstream, type MockUpstream } from "./mock-upstream";
import { eventually } from "./wait";

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream();
});
afterEach(() => mock.reset());
afterAll(() => mock.stop());

// ---------------------------------------------------------------- helpers

const OA_AUTH = { authorization: "Bearer sk-test", "content-type": "application/json" };
const AN_AUTH = { "x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01", "content-type": "application/json" };

function post(path: string, body: unknown, headers: Record<string, string> = OA_AUTH, signal?: AbortSignal) {
  return fetch(mock.url + path, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body), signal });
}

const chat = (body: Record<string, unknown>, signal?: AbortSignal) =>
  post("/v1/chat/completions", { model: "gpt-4o-mini", ...body }, OA_AUTH, signal);
const messages = (body: Record<string, unknown>, headers: Record<string, string> = AN_AUTH) =>
  post("/v1/messages", { model: "claude-3-5-haiku-latest", max_tokens: 100, ...body }, headers);
const user = (content: unknown) => ({ role: "user", content });

interface Frame {
  event: string | null;
  data: string;
}

/** Minimal SSE parser: splits on blank lines, reads event/data fields. */
function parseSse(text: string): Frame[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim())
    .map((block) => {
      let event: string | null = null;
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data.push(line.slice(6));
      }
      return { event, data: data.join("\n") };
    });
}

const jsonFrames = (frames: Frame[]) => frames.filter((f) => f.data !== "[DONE]").map((f) => JSON.parse(f.data));

/** Reads a body until it ends or fails; returns what arrived and the failure, if any. */
async function drain(res: Response): Promise<{ text: string; error: unknown }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, error: null };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error };
  }
}

/** Reads until `count` complete SSE frames have arrived. */
async function readFrames(reader: { read(): Promise<{ done: boolean; value?: Uint8Array }> }, count: number): Promise<Frame[]> {
  const decoder = new TextDecoder();
  let text = "";
  while (parseSse(text).length < count || !text.endsWith("\n\n")) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return parseSse(text);
}

// ---------------------------------------------------------------- OpenAI chat

describe("POST /v1/chat/completions", () => {
  test("non-stream completion is deterministic and counts words", async () => {
    const body = { messages: [{ role: "system", content: "be brief" }, user("hello there")] };
    const res = await chat(body);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const json: any = await res.json();
    expect(json).toMatchObject({
      id: "chatcmpl-mock-1",
      object: "chat.completion",
      model: "gpt-4o-mini",
      choices: [{ index: 0, message: { role: "assistant", content: "mock reply to: hello there" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 4, completion_tokens: 5, total_tokens: 9, prompt_tokens_details: { cached_tokens: 0 } },
    });
    const again: any = await (await chat(body)).json();
    expect(again.id).toBe("chatcmpl-mock-2");
    expect(again.choices[0].message.content).toBe(json.choices[0].message.content);
  });

  test("reply is cut or padded to the word count, user text from content parts", async () => {
    const long: any = await (await chat({ messages: [user("one two three four five")] })).json();
    expect(long.choices[0].message.content).toBe("mock reply to: one two");
    const parts: any = await (await chat({ messages: [user([{ type: "text", text: "hi" }])] })).json();
    expect(parts.choices[0].message.content).toBe("mock reply to: hi alpha");
    expect(parts.usage.prompt_tokens).toBe(1);
  });

  test("max_tokens below the reply length ends with finish_reason length", async () => {
    const json: any = await (await chat({ messages: [user("hello there")], max_tokens: 2 })).json();
    expect(json.choices[0]).toMatchObject({ message: { content: "mock reply" }, finish_reason: "length" });
    expect(json.usage.completion_tokens).toBe(2);
  });

  test("records the request", async () => {
    await post("/v1/chat/completions?x=1", { model: "gpt-4o", messages: [user("hi")] });
    expect(mock.requests).toHaveLength(1);
    const rec = mock.requests[0]!;
    expect(rec).toMatchObject({ method: "POST", path: "/v1/chat/completions", search: "?x=1", body: { model: "gpt-4o" } });
    expect(rec.headers.authorization).toBe("Bearer sk-test");
    expect(rec.aborted).toBeUndefined();
  });

  test("400 on a missing model or messages", async () => {
    const res = await post("/v1/chat/completions", { messages: [user("hi")] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.type).toBe("invalid_request_error");
    expect((await chat({ messages: [] })).status).toBe(400);
  });
});

describe("chat tool calls", () => {
  const tools = [
    { type: "function", function: { name: "search", parameters: { type: "object" } } },
    { type: "function", function: { name: "lookup", parameters: { type: "object" } } },
  ];

  test("tool_choice required calls the first tool", async () => {
    const json: any = await (await chat({ messages: [user("find cats")], tools, tool_choice: "required" })).json();
    expect(json.choices[0].finish_reason).toBe("tool_calls");
    expect(json.choices[0].message.tool_calls).toEqual([
      { id: "call_mock_1", type: "function", function: { name: "search", arguments: '{"query":"find cats"}' } },
    ]);
  });

  test("an object tool_choice picks that tool; the word 'tool' triggers auto", async () => {
    const named: any = await (await chat({ messages: [user("x")], tools, tool_choice: { type: "function", function: { name: "lookup" } } })).json();
    expect(named.choices[0].message.tool_calls[0].function.name).toBe("lookup");
    const auto: any = await (await chat({ messages: [user("use a tool please")], tools })).json();
    expect(auto.choices[0].message.tool_calls[0].function.name).toBe("search");
  });

  test("no tool call without tools, with tool_choice none, or when answering a tool result", async () => {
    const plain: any = await (await chat({ messages: [user("use a tool")] })).json();
    expect(plain.choices[0].finish_reason).toBe("stop");
    const none: any = await (await chat({ messages: [user("use a tool")], tools, tool_choice: "none" })).json();
    expect(none.choices[0].finish_reason).toBe("stop");
    const call = { id: "call_mock_1", type: "function", function: { name: "search", arguments: "{}" } };
    const followUp = [user("use a tool"), { role: "assistant", content: null, tool_calls: [call] }, { role: "tool", tool_call_id: "call_mock_1", content: "sunny" }];
    const answered: any = await (await chat({ messages: followUp, tools })).json();
    expect(answered.choices[0]).toMatchObject({ finish_reason: "stop", message: { content: "mock reply to: use a" } });
  });
});

describe("chat streaming", () => {
  test("role chunk, one chunk per word, finish, usage, [DONE]", async () => {
    const res = await chat({ messages: [user("hello there")], stream: true, stream_options: { include_usage: true } });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const frames = parseSse(await res.text());
    expect(frames.at(-1)!.data).toBe("[DONE]");
    const chunks = jsonFrames(frames);
    expect(chunks.every((c) => c.object === "chat.completion.chunk" && c.id === "chatcmpl-mock-1")).toBe(true);
    expect(chunks[0].choices[0].delta).toMatchObject({ role: "assistant", content: "" });
    const words = chunks.slice(1, 6).map((c) => c.choices[0].delta.content);
    expect(words).toEqual(["mock", " reply", " to:", " hello", " there"]);
    expect(chunks[6].choices[0]).toMatchObject({ delta: {}, finish_reason: "stop" });
    expect(chunks[7]).toMatchObject({ choices: [], usage: { prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 } });
    expect(chunks).toHaveLength(8);
  });

  test("no usage chunk unless asked", async () => {
    const chunks = jsonFrames(parseSse(await (await chat({ messages: [user("hi")], stream: true })).text()));
    expect(chunks).toHaveLength(7);
    expect(chunks.some((c) => "usage" in c)).toBe(false);
  });

  test("tool-call stream: header chunk, argument fragments, tool_calls finish", async () => {
    const tools = [{ type: "function", function: { name: "search" } }];
    const res = await chat({ messages: [user("call the tool")], tools, stream: true });
    const chunks = jsonFrames(parseSse(await res.text()));
    const first = chunks[0].choices[0].delta;
    expect(first.tool_calls).toEqual([{ index: 0, id: "call_mock_1", type: "function", function: { name: "search", arguments: "" } }]);
    const fragments = chunks.slice(1, -1).map((c) => c.choices[0].delta.tool_calls[0].function.arguments);
    expect(fragments).toHaveLength(3);
    expect(JSON.parse(fragments.join(""))).toEqual({ query: "call the tool" });
    expect(chunks.at(-1).choices[0].finish_reason).toBe("tool_calls");
  });
});

// ---------------------------------------------------------------- embeddings and models

describe("POST /v1/embeddings", () => {
  test("string input gives one deterministic 8-float vector", async () => {
    const a: any = await (await post("/v1/embeddings", { model: "text-embedding-3-small", input: "hello world" })).json();
    expect(a).toMatchObject({ object: "list", model: "text-embedding-3-small", usage: { prompt_tokens: 2, total_tokens: 2 } });
    expect(a.data).toHaveLength(1);
    expect(a.data[0]).toMatchObject({ object: "embedding", index: 0 });
    expect(a.data[0].embedding).toHaveLength(8);
    const b: any = await (await post("/v1/embeddings", { model: "m", input: "hello world" })).json();
    expect(b.data[0].embedding).toEqual(a.data[0].embedding);
  });

  test("array input gives one vector per item; base64 decodes to the same floats", async () => {
    const floats: any = await (await post("/v1/embeddings", { model: "m", input: ["a", "b c"] })).json();
    expect(floats.data.map((d: any) => d.index)).toEqual([0, 1]);
    expect(floats.data[0].embedding).not.toEqual(floats.data[1].embedding);
    expect(floats.usage.prompt_tokens).toBe(3);
    const b64: any = await (await post("/v1/embeddings", { model: "m", input: ["a", "b c"], encoding_format: "base64" })).json();
    const decoded = Array.from(new Float32Array(Buffer.from(b64.data[1].embedding, "base64").buffer.slice(0)));
    expect(decoded).toEqual(floats.data[1].embedding);
  });

  test("400 without input", async () => {
    expect((await post("/v1/embeddings", { model: "m" })).status).toBe(400);
  });
});

describe("GET /v1/models", () => {
  test("OpenAI shape by default", async () => {
    const json: any = await (await fetch(mock.url + "/v1/models", { headers: OA_AUTH })).json();
    expect(json.object).toBe("list");
    expect(json.data.map((m: any) => m.id)).toEqual(["gpt-4o-mini", "gpt-4o", "text-embedding-3-small"]);
    expect(json.data[0]).toMatchObject({ object: "model", owned_by: "openai" });
    expect(typeof json.data[0].created).toBe("number");
  });

  test("Anthropic shape with anthropic-version", async () => {
    const json: any = await (await fetch(mock.url + "/v1/models", { headers: AN_AUTH })).json();
    expect(json).toMatchObject({ has_more: false, first_id: "claude-3-5-haiku-latest", last_id: "claude-sonnet-4-5" });
    expect(json.data[0]).toMatchObject({ type: "model", id: "claude-3-5-haiku-latest" });
    expect(new Date(json.data[1].created_at).toISOString()).toBeTruthy();
    expect(typeof json.data[1].display_name).toBe("string");
  });
});

// ---------------------------------------------------------------- Anthropic messages

describe("POST /v1/messages", () => {
  test("non-stream message with usage (system counted)", async () => {
    const res = await messages({ system: "be brief", metadata: { user_id: "u" }, messages: [user("hello there")] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      id: "msg_mock_1",
      type: "message",
      role: "assistant",
      model: "claude-3-5-haiku-latest",
      content: [{ type: "text", text: "mock reply to: hello there" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 4, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    });
  });

  test("system as blocks, thinking block first, max_tokens stop", async () => {
    const body = { system: [{ type: "text", text: "a b c" }], messages: [user("hi")], thinking: { type: "enabled", budget_tokens: 1024 }, max_tokens: 3 };
    const json: any = await (await messages(body)).json();
    expect(json.content).toEqual([
      { type: "thinking", thinking: "mock thinking", signature: "sig-mock" },
      { type: "text", text: "mock reply to:" },
    ]);
    expect(json.stop_reason).toBe("max_tokens");
    expect(json.usage.input_tokens).toBe(4);
  });

  test("tool_use block with stop_reason tool_use; tool results get text", async () => {
    const tools = [{ name: "search", input_schema: { type: "object" } }, { name: "lookup", input_schema: { type: "object" } }];
    const forced: any = await (await messages({ messages: [user("cats")], tools, tool_choice: { type: "tool", name: "lookup" } })).json();
    expect(forced.content).toEqual([{ type: "tool_use", id: "toolu_mock_1", name: "lookup", input: { query: "cats" } }]);
    expect(forced.stop_reason).toBe("tool_use");
    const auto: any = await (await messages({ messages: [user("use the tool")], tools })).json();
    expect(auto.content[0].name).toBe("search");
    const followUp = [
      user("use the tool"),
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_mock_1", name: "search", input: {} }] },
      user([{ type: "tool_result", tool_use_id: "toolu_mock_1", content: "sunny" }]),
    ];
    const answered: any = await (await messages({ messages: followUp, tools })).json();
    expect(answered.stop_reason).toBe("end_turn");
    expect(answered.usage.input_tokens).toBe(4);
  });

  test("stream: exact event sequence", async () => {
    const res = await messages({ messages: [user("hello there")], stream: true });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const frames = parseSse(await res.text());
    expect(frames.map((f) => f.event)).toEqual([
      "message_start", "content_block_start", "ping",
      "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta",
      "content_block_stop", "message_delta", "message_stop",
    ]);
    const data = frames.map((f) => JSON.parse(f.data));
    expect(data.every((d, i) => d.type === frames[i]!.event)).toBe(true);
    expect(data[0].message).toMatchObject({ id: "msg_mock_1", content: [], stop_reason: null, usage: { input_tokens: 2, output_tokens: 1 } });
    expect(data[1]).toEqual({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
    expect(data[3]).toEqual({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "mock" } });
    expect(data.slice(3, 8).map((d) => d.delta.text).join("")).toBe("mock reply to: hello there");
    expect(data[9]).toEqual({ type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 5 } });
  });

  test("stream: thinking block then tool_use with input_json_delta", async () => {
    const tools = [{ name: "search", input_schema: { type: "object" } }];
    const res = await messages({ messages: [user("tool time")], tools, thinking: { type: "enabled", budget_tokens: 1024 }, stream: true });
    const data = parseSse(await res.text()).map((f) => JSON.parse(f.data));
    const starts = data.filter((d) => d.type === "content_block_start");
    expect(starts.map((d) => d.content_block)).toEqual([
      { type: "thinking", thinking: "", signature: "" },
      { type: "tool_use", id: "toolu_mock_1", name: "search", input: {} },
    ]);
    const deltas = data.filter((d) => d.type === "content_block_delta");
    expect(deltas.filter((d) => d.index === 0).map((d) => d.delta)).toEqual([
      { type: "thinking_delta", thinking: "mock thinking" },
      { type: "signature_delta", signature: "sig-mock" },
    ]);
    const json = deltas.filter((d) => d.index === 1).map((d) => d.delta.partial_json).join("");
    expect(JSON.parse(json)).toEqual({ query: "tool time" });
    expect(data.find((d) => d.type === "message_delta").delta.stop_reason).toBe("tool_use");
  });
});

describe("Anthropic validation", () => {
  const invalid: [string, Record<string, unknown>, string][] = [
    ["missing max_tokens", { max_tokens: undefined, messages: [user("hi")] }, "max_tokens: Field required"],
    ["empty messages", { messages: [] }, "messages: at least one message is required"],
    ["assistant first", { messages: [{ role: "assistant", content: "x" }] }, 'first message must use the "user" role'],
    ["two users in a row", { messages: [user("a"), user("b")] }, 'found multiple "user" roles in a row'],
    ["system role in messages", { messages: [{ role: "system", content: "x" }, user("a")] }, "messages.0.role"],
    ["unknown field", { messages: [user("hi")], n: 1 }, "n: Extra inputs are not permitted"],
  ];
  for (const [name, body, message] of invalid) {
    test(name, async () => {
      const res = await messages(body);
      expect(res.status).toBe(400);
      const json: any = await res.json();
      expect(json.type).toBe("error");
      expect(json.error.type).toBe("invalid_request_error");
      expect(json.error.message).toContain(message);
    });
  }
});

// ---------------------------------------------------------------- auth and routing

describe("auth", () => {
  test("OpenAI: missing and bad keys are 401 in OpenAI shape", async () => {
    const variants: Record<string, string>[] = [{}, { authorization: "Bearer " }, { authorization: "Bearer bad-key" }];
    for (const headers of variants) {
      const res = await post("/v1/chat/completions", { model: "m", messages: [user("hi")] }, headers);
      expect(res.status).toBe(401);
      const json: any = await res.json();
      expect(json.error).toMatchObject({ type: "invalid_request_error", param: null });
      expect(typeof json.error.message).toBe("string");
    }
    expect((await fetch(mock.url + "/v1/models")).status).toBe(401);
  });

  test("Anthropic: missing and bad x-api-key are 401 authentication_error", async () => {
    for (const key of [undefined, "bad-key"]) {
      const headers: Record<string, string> = { "anthropic-version": "2023-06-01" };
      if (key) headers["x-api-key"] = key;
      const res = await messages({ messages: [user("hi")] }, headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    }
  });

  test("Anthropic: a Bearer key (as the SDK sends) is accepted too", async () => {
    const res = await messages({ messages: [user("hi")] }, { authorization: "Bearer k", "anthropic-version": "2023-06-01" });
    expect(res.status).toBe(200);
  });

  test("Anthropic: missing anthropic-version is 400", async () => {
    const res = await messages({ messages: [user("hi")] }, { "x-api-key": "k" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toContain("anthropic-version");
  });

  test("unknown path is 404 in OpenAI shape", async () => {
    const res = await post("/v1/nope", {});
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).error).toMatchObject({ type: "invalid_request_error", param: null });
  });
});

// ---------------------------------------------------------------- faults

describe("faults", () => {
  const hi = { messages: [user("hi")] };

  test("status fault: provider error shape and headers, applies once by default", async () => {
    mock.fault({ status: 429, headers: { "retry-after": "1" }, message: "slow down" });
    const res = await chat(hi);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(await res.json()).toEqual({ error: { message: "slow down", type: "requests", param: null, code: "rate_limit_exceeded" } });
    expect((await chat(hi)).status).toBe(200);
  });

  test("Anthropic error types follow the status", async () => {
    const cases: [number, string][] = [[529, "overloaded_error"], [500, "api_error"], [429, "rate_limit_error"], [401, "authentication_error"]];
    for (const [status, type] of cases) {
      mock.fault({ status });
      const res = await messages(hi);
      expect(res.status).toBe(status);
      expect(((await res.json()) as any).error.type).toBe(type);
    }
  });

  test("times, Infinity and clearFaults", async () => {
    mock.fault({ status: 503, times: 2 });
    expect((await chat(hi)).status).toBe(503);
    expect((await chat(hi)).status).toBe(503);
    expect((await chat(hi)).status).toBe(200);
    mock.fault({ status: 500, times: Infinity });
    for (let i = 0; i < 3; i++) expect((await chat(hi)).status).toBe(500);
    mock.clearFaults();
    expect((await chat(hi)).status).toBe(200);
  });

  test("match by path and model; FIFO among matches", async () => {
    mock.fault({ status: 500, match: { path: "/v1/messages" } });
    mock.fault({ status: 502, match: { model: "gpt-4o" } });
    mock.fault({ status: 503 });
    expect((await chat({ ...hi, model: "gpt-4o" })).status).toBe(502);
    expect((await chat(hi)).status).toBe(503);
    expect((await chat(hi)).status).toBe(200);
    expect((await messages(hi)).status).toBe(500);
  });

  test("delayMs waits before headers", async () => {
    mock.fault({ delayMs: 150 });
    const t0 = performance.now();
    const res = await chat(hi);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(res.status).toBe(200);
  });

  test("until holds the answer until the test releases it", async () => {
    const release = Promise.withResolvers<void>();
    mock.fault({ until: release.promise });
    let answered = false;
    const pending = chat(hi).then((r) => ((answered = true), r));
    await eventually(() => mock.requests.length === 1);
    expect((await chat(hi)).status).toBe(200); // a later request is not held
    expect(answered).toBe(false);
    release.resolve();
    expect((await pending).status).toBe(200);
  });

  test("chunkDelayMs paces stream frames", async () => {
    mock.fault({ chunkDelayMs: 30 });
    const t0 = performance.now();
    const frames = parseSse(await (await chat({ ...hi, stream: true })).text());
    expect(frames).toHaveLength(8);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(7 * 30 - 10);
  });

  test("resetAfterChunks cuts the connection mid-stream", async () => {
    mock.fault({ resetAfterChunks: 3 });
    const res = await chat({ ...hi, stream: true });
    expect(res.status).toBe(200);
    const { text, error } = await drain(res);
    expect(error).toBeTruthy();
    expect(parseSse(text)).toHaveLength(3);
  });

  test("resetAfterChunks: 0 fails the request before any response", async () => {
    mock.fault({ resetAfterChunks: 0 });
    const outcome = await chat({ ...hi, stream: true }).then(() => "response", (e) => e.code);
    expect(outcome).toBe("ECONNRESET");
  });

  test("resetAfterChunks on a JSON body fails the body read", async () => {
    mock.fault({ resetAfterChunks: 1 });
    const outcome = await chat(hi).then((r) => r.text()).then(() => "ok", () => "failed");
    expect(outcome).toBe("failed");
  });

  test("stallAfterChunks holds the stream until the client aborts", async () => {
    mock.fault({ stallAfterChunks: 2 });
    const ac = new AbortController();
    const res = await chat({ ...hi, stream: true }, ac.signal);
    const reader = res.body!.getReader();
    expect(await readFrames(reader, 2)).toHaveLength(2);
    const next = reader.read().then(() => "data", () => "aborted");
    const raced = await Promise.race([next, Bun.sleep(200).then(() => "stalled")]);
    expect(raced).toBe("stalled");
    ac.abort();
    expect(await next).toBe("aborted");
    await eventually(() => mock.requests[0]?.aborted === true);
  });

  test("errorEventAfterChunks: OpenAI error frame then end", async () => {
    mock.fault({ errorEventAfterChunks: 2, message: "boom" });
    const frames = parseSse(await (await chat({ ...hi, stream: true })).text());
    expect(frames).toHaveLength(3);
    expect(JSON.parse(frames[2]!.data)).toEqual({ error: { message: "boom", type: "server_error", param: null, code: null } });
  });

  test("errorEventAfterChunks: Anthropic event: error then end", async () => {
    mock.fault({ errorEventAfterChunks: 1 });
    const frames = parseSse(await (await messages({ ...hi, stream: true })).text());
    expect(frames.map((f) => f.event)).toEqual(["message_start", "error"]);
    expect(JSON.parse(frames[1]!.data)).toEqual({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
  });

  test("rawBody answers 200 (or the given status) with that exact body", async () => {
    mock.fault({ rawBody: "{not json" });
    const res = await chat(hi);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("{not json");
    mock.fault({ rawBody: "<html>bad gateway</html>", status: 502, headers: { "content-type": "text/html" } });
    const html = await chat(hi);
    expect(html.status).toBe(502);
    expect(html.headers.get("content-type")).toBe("text/html");
    expect(await html.text()).toBe("<html>bad gateway</html>");
  });
});

describe("client cancellation", () => {
  test("aborting a slow stream marks the request aborted", async () => {
    mock.fault({ chunkDelayMs: 100 });
    const ac = new AbortController();
    const res = await chat({ messages: [user("hi")], stream: true }, ac.signal);
    const reader = res.body!.getReader();
    await readFrames(reader, 1);
    ac.abort();
    await eventually(() => mock.requests[0]?.aborted === true);
  });

  test("aborting during delayMs marks the request aborted", async () => {
    mock.fault({ delayMs: 5000 });
    const ac = new AbortController();
    const pending = chat({ messages: [user("hi")] }, ac.signal).catch((e) => e);
    await eventually(() => mock.requests.length === 1);
    ac.abort();
    expect(((await pending) as Error).name).toBe("AbortError");
    await eventually(() => mock.requests[0]?.aborted === true);
  });
});

// ---------------------------------------------------------------- options, reset, CLI

describe("options", () => {
  test("words pads the reply; record: false records nothing", async () => {
    const other = await startMockUpstream({ words: 8, record: false });
    try {
      const res = await fetch(other.url + "/v1/chat/completions", { method: "POST", headers: OA_AUTH, body: JSON.stringify({ model: "m", messages: [user("hi")] }) });
      const json: any = await res.json();
      expect(json.choices[0].message.content).toBe("mock reply to: hi alpha bravo charlie delta");
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.stop();
    }
  });

  test("reset clears requests, faults and ids", async () => {
    mock.fault({ status: 500 });
    await post("/v1/nope", {});
    mock.reset();
    expect(mock.requests).toHaveLength(0);
    const json: any = await (await chat({ messages: [user("hi")] })).json();
    expect(json.id).toBe("chatcmpl-mock-1");
  });

  test("runs as a CLI", async () => {
    const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
    const port = probe.port!;
    await probe.stop(true);
    const proc = Bun.spawn(["bun", `${import.meta.dir}/mock-upstream.ts`, "--port", String(port), "--no-record"], { stdout: "pipe" });
    try {
      const reader = proc.stdout.getReader();
      const { value } = await reader.read();
      expect(new TextDecoder().decode(value)).toContain(`mock upstream listening on http://127.0.0.1:${port}`);
      const res = await fetch(`http://127.0.0.1:${port}/v1/models`, { headers: OA_AUTH });
      expect(res.status).toBe(200);
    } finally {
      proc.kill();
      await proc.exited;
    }
  });
});

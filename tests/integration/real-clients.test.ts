/**
 * Issue 10, "real clients": what LangChain, LiteLLM and the Vercel AI SDK send by default passes the
 * gateway (it checks shape and type, value ranges are the provider's), and Go Bifrost configs load.
 */
import { beforeEach, describe, expect, test } from "bun:test";
import { ChatAnthropic } from "@langchain/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { generateText, streamText } from "ai";
import { gatewayOnMock } from "../support/mock-gateway";

const setup = gatewayOnMock((url) => ({
  openai: { keys: [{ value: "sk-real-1" }], network_config: { base_url: url } },
  anthropic: { keys: [{ value: "sk-real-2" }], network_config: { base_url: url } },
  sgl: { keys: [{ value: "sk-sgl-1" }], network_config: { base_url: url } }, // Go Bifrost's name for SGLang, started with --api-key
}));
beforeEach(() => setup.mock.reset());

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await setup.gw.fetch(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, text, json: text.startsWith("{") ? JSON.parse(text) : null };
}

describe("LangChain JS ChatAnthropic on /anthropic", () => {
  const chat = (model: string) => new ChatAnthropic({ anthropicApiUrl: `${setup.gw.url}/anthropic`, apiKey: "x", model, maxRetries: 0 });

  test.each(["openai/gpt-4o-mini", "anthropic/claude-3-5-haiku-latest"])("invoke and stream, served by %s", async (model) => {
    const res = await chat(model).invoke("hi");
    expect(res.content).toStartWith("mock reply to: hi");
    let text = "";
    for await (const chunk of await chat(model).stream("hello stream")) text += typeof chunk.content === "string" ? chunk.content : "";
    expect(text).toStartWith("mock reply to: hello stream");
  });

  test("the -1 top_k/top_p that @langchain/anthropic 0.x sends by default are a 200, and never reach the provider (regression: 400 on every call)", async () => {
    const body = { model: "openai/gpt-4o-mini", max_tokens: 2048, temperature: 1, top_k: -1, top_p: -1, stream: false, messages: [{ role: "user", content: "hi" }] };
    const r = await post("/anthropic/v1/messages", body, { "x-api-key": "x", "anthropic-version": "2023-06-01" });
    expect(r.status).toBe(200);
    expect(r.json.content[0].text).toStartWith("mock reply to: hi");
    const sent = setup.mock.requests.at(-1)!.body;
    expect(sent.temperature).toBe(1);
    expect("top_p" in sent || "top_k" in sent).toBe(false);
  });
});

describe("default request bodies on /v1/chat/completions", () => {
  const messages = [{ role: "user", content: "hi" }];
  test.each([
    ["LangChain Python ChatOpenAI", { model: "openai/gpt-4o-mini", messages, stream: false, n: 1, temperature: 0.7 }],
    ["LangChain Python ChatOpenAI, streaming", { model: "openai/gpt-4o-mini", messages, stream: true, stream_options: { include_usage: true }, n: 1, temperature: 0.7 }],
    [
      "LiteLLM's client",
      { model: "anthropic/claude-3-5-haiku-latest", messages, temperature: 1, top_p: 1, n: 1, max_completion_tokens: 256, frequency_penalty: 0, presence_penalty: 0, seed: 42, user: "u-1", logprobs: false, parallel_tool_calls: true, stop: null },
    ],
    ["the Vercel AI SDK (chat model)", { model: "openai/gpt-4o-mini", messages, max_tokens: 256, temperature: 0, top_p: 1, frequency_penalty: 0, presence_penalty: 0, seed: 0, stream: false }],
    ["a temperature only some providers take", { model: "openai/gpt-4o-mini", messages, temperature: 2.5, top_p: 1.5, n: 200 }],
  ])("%s: 200", async (_, body: Record<string, unknown>) => {
    const r = await post("/v1/chat/completions", body);
    expect(r.status).toBe(200);
    expect(r.text).toContain(body.stream ? "data: [DONE]" : "mock reply to: hi");
  });
});

describe("the Vercel AI SDK (ai + @ai-sdk/openai) on /v1", () => {
  const gateway = () => createOpenAI({ baseURL: `${setup.gw.url}/v1`, apiKey: "x" });

  test("generateText and streamText through chat completions, with sampling settings", async () => {
    const openai = gateway();
    const res = await generateText({ model: openai.chat("anthropic/claude-3-5-haiku-latest"), prompt: "hi", temperature: 0.3, topP: 0.9, seed: 7, maxRetries: 0 });
    expect(res.text).toStartWith("mock reply to: hi");
    const stream = streamText({ model: openai.chat("openai/gpt-4o-mini"), prompt: "hello stream", maxRetries: 0 });
    let text = "";
    for await (const part of stream.textStream) text += part;
    expect(text).toStartWith("mock reply to: hello stream");
  });

  test("generateText through the Responses API (the provider's default model)", async () => {
    const openai = gateway();
    const res = await generateText({ model: openai("openai/gpt-4o-mini"), prompt: "hi", maxRetries: 0 });
    expect(res.text).toStartWith("mock reply to: hi");
  });
});

describe("a Go Bifrost config's sgl provider (SGLang)", () => {
  test("serves chat and native text completions", async () => {
    const chat = await post("/v1/chat/completions", { model: "sgl/Qwen/Qwen2.5-7B", messages: [{ role: "user", content: "hi" }] });
    expect(chat.status).toBe(200);
    expect(chat.json.extra_fields.provider).toBe("sgl");
    const completion = await post("/v1/completions", { model: "sgl/Qwen/Qwen2.5-7B", prompt: "Once upon a time" });
    expect(completion.status).toBe(200);
    expect(setup.mock.requests.map((q) => q.path)).toEqual(["/v1/chat/completions", "/v1/completions"]);
  });
});

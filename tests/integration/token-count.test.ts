/**
 * Token counting (op countTokens) and the drop-in paths around it: Anthropic count_tokens and models,
 * GenAI countTokens / embedContent / batchEmbedContents, Responses input_tokens. Real counts where the
 * provider has an endpoint, the gateway's estimate (marked) where it has none.
 */
import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { estimateInputTokens } from "../../src/core/token-estimate";
import { openGateway, type Gateway } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";

let mock: MockUpstream;
let gw: Gateway;

beforeAll(async () => {
  mock = await startMockUpstream();
  const vertexKey = (region: string) => [{ value: "ya29.mock-token", vertex_key_config: { project_id: "proj", region } }];
  gw = await openGateway({
    providers: {
      openai: { keys: [{ value: "sk-count-1" }], network_config: { base_url: mock.url } },
      anthropic: { keys: [{ value: "sk-count-2" }], network_config: { base_url: mock.url } },
      gemini: { keys: [{ value: "sk-count-3" }], network_config: { base_url: mock.url } },
      vertex: { keys: vertexKey("us-central1"), network_config: { base_url: mock.url } },
      "vertex-claude": { keys: vertexKey("us-east5"), custom_provider_config: { base_provider_type: "vertex" }, network_config: { base_url: mock.url } },
    },
  });
});
beforeEach(() => mock.reset());
afterAll(async () => {
  await gw?.close();
  await mock?.stop();
});

const last = () => mock.requests.at(-1)!;
const post = (path: string, body: unknown) => gw.fetch(path, { method: "POST", body: JSON.stringify(body) });

// ── Anthropic drop-in ────────────────────────────────────────────────

test("@anthropic-ai/sdk messages.countTokens: Anthropic's own count, the prompt fields only reach count_tokens", async () => {
  const client = new Anthropic({ apiKey: "unused", baseURL: `${gw.url}/anthropic` });
  const res = await client.messages.countTokens({ model: "anthropic/claude-3-5-haiku-latest", system: "be brief", messages: [{ role: "user", content: "count these five words" }] });
  expect(res).toEqual({ input_tokens: 6 });
  expect(last().path).toBe("/v1/messages/count_tokens");
  expect(last().headers["x-api-key"]).toBe("sk-count-2");
  expect(last().body).toEqual({ model: "claude-3-5-haiku-latest", system: [{ type: "text", text: "be brief" }], messages: [{ role: "user", content: [{ type: "text", text: "count these five words" }] }] });
});

test("@anthropic-ai/sdk messages.countTokens for OpenAI: the gateway's estimate, nothing sent upstream, header says so", async () => {
  const client = new Anthropic({ apiKey: "unused", baseURL: `${gw.url}/anthropic` });
  const { data, response } = await client.messages.countTokens({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "12345678" }] }).withResponse();
  expect(data).toEqual({ input_tokens: 2 + 3 });
  expect(response.headers.get("x-bf-estimated")).toBe("true");
  expect(mock.requests).toHaveLength(0);
});

test("POST /anthropic/v1/messages/count_tokens without messages: Anthropic's 400 shape", async () => {
  const res = await post("/anthropic/v1/messages/count_tokens", { model: "anthropic/claude-3-5-haiku-latest" });
  expect(res.status).toBe(400);
  expect(((await res.json()) as any).type).toBe("error");
  expect(mock.requests).toHaveLength(0);
});

test("@anthropic-ai/sdk models.list: the configured models in Anthropic's list shape", async () => {
  const client = new Anthropic({ apiKey: "unused", baseURL: `${gw.url}/anthropic` });
  const ids: string[] = [];
  for await (const m of client.models.list()) {
    expect(m.type).toBe("model");
    expect(Number.isNaN(Date.parse(m.created_at))).toBe(false);
    ids.push(m.id);
  }
  expect(ids).toContain("openai/gpt-4o-mini");
  expect(ids.some((id) => id.startsWith("anthropic/claude"))).toBe(true);
  const raw: any = await (await gw.fetch("/anthropic/v1/models")).json();
  expect(raw.has_more).toBe(false);
  expect(raw.first_id).toBe(raw.data[0].id);
  expect(raw.last_id).toBe(raw.data.at(-1).id);
});

// ── GenAI drop-in ────────────────────────────────────────────────────

test("@google/genai countTokens on Gemini: Gemini's own count from countTokens with the whole request", async () => {
  const ai = new GoogleGenAI({ apiKey: "unused", httpOptions: { baseUrl: `${gw.url}/genai` } });
  const res = await ai.models.countTokens({ model: "gemini/gemini-2.0-flash", contents: "how many tokens here" });
  expect(res.totalTokens).toBe(4);
  expect(last().path).toBe("/v1beta/models/gemini-2.0-flash:countTokens");
  expect(last().body.generateContentRequest.model).toBe("models/gemini-2.0-flash");
  expect(last().body.generateContentRequest.contents[0].parts[0].text).toBe("how many tokens here");
});

test("@google/genai countTokens on Anthropic: served by Anthropic's count_tokens", async () => {
  const ai = new GoogleGenAI({ apiKey: "unused", httpOptions: { baseUrl: `${gw.url}/genai` } });
  const res = await ai.models.countTokens({ model: "anthropic/claude-3-5-haiku-latest", contents: "three words here" });
  expect(res.totalTokens).toBe(3);
  expect(last().path).toBe("/v1/messages/count_tokens");
});

test("@google/genai embedContent for OpenAI: batchEmbedContents → /v1/embeddings, values back in GenAI's shape", async () => {
  const ai = new GoogleGenAI({ apiKey: "unused", httpOptions: { baseUrl: `${gw.url}/genai` } });
  const res = await ai.models.embedContent({ model: "openai/text-embedding-3-small", contents: ["first text", "second text"], config: { outputDimensionality: 8 } });
  expect(res.embeddings).toHaveLength(2);
  expect(res.embeddings![0]!.values).toHaveLength(8);
  expect(res.embeddings![0]!.values).not.toEqual(res.embeddings![1]!.values);
  expect(last().path).toBe("/v1/embeddings");
  expect(last().body).toMatchObject({ model: "text-embedding-3-small", input: ["first text", "second text"], dimensions: 8 });
});

test("POST /genai/v1beta/models/{m}:embedContent on Gemini: {embedding:{values}}", async () => {
  const res = await post("/genai/v1beta/models/gemini/gemini-embedding-001:embedContent", { content: { parts: [{ text: "one text" }] }, outputDimensionality: 4 });
  expect(res.status).toBe(200);
  const j: any = await res.json();
  expect(j.embedding.values).toHaveLength(4);
  // The Gemini adapter sends every canonical embeddings request as a batch.
  expect(last().path).toBe("/v1beta/models/gemini-embedding-001:batchEmbedContents");
});

test("POST /genai/v1/models/{m}:batchEmbedContents without requests: Google's 400 shape", async () => {
  const res = await post("/genai/v1/models/openai%2Ftext-embedding-3-small:batchEmbedContents", { requests: [] });
  expect(res.status).toBe(400);
  expect(((await res.json()) as any).error.status).toBe("INVALID_ARGUMENT");
});

test("POST /genai/…:countTokens on Vertex Gemini and Vertex Claude: each one's own endpoint", async () => {
  const gem = await post("/genai/v1beta/models/vertex/gemini-2.0-flash:countTokens", { contents: [{ role: "user", parts: [{ text: "vertex gemini count" }] }] });
  expect(await gem.json()).toEqual({ totalTokens: 3 });
  expect(last().path).toBe("/v1/projects/proj/locations/us-central1/publishers/google/models/gemini-2.0-flash:countTokens");
  expect(last().body.contents[0].parts[0].text).toBe("vertex gemini count");
  const claude = await post("/genai/v1beta/models/vertex-claude/claude-3-5-haiku@20241022:countTokens", { contents: [{ role: "user", parts: [{ text: "vertex claude count" }] }] });
  expect(await claude.json()).toEqual({ totalTokens: 3 });
  expect(last().path).toBe("/v1/projects/proj/locations/us-east5/publishers/anthropic/models/count-tokens:rawPredict");
  expect(last().body.model).toBe("claude-3-5-haiku@20241022");
});

test("an unknown GenAI method is still a 404 in Google's shape", async () => {
  const res = await post("/genai/v1beta/models/openai/gpt-4o-mini:toString", {});
  expect(res.status).toBe(404);
  expect(((await res.json()) as any).error.status).toBe("NOT_FOUND");
});

// ── Responses ────────────────────────────────────────────────────────

test("openai responses.inputTokens.count for OpenAI: estimated, response.input_tokens shape, on /v1 and /openai/v1", async () => {
  for (const base of [`${gw.url}/v1`, `${gw.url}/openai/v1`]) {
    const client = new OpenAI({ apiKey: "unused", baseURL: base });
    const { data, response } = await client.responses.inputTokens.count({ model: "openai/gpt-4o-mini", input: "abcdefgh", instructions: "abcd" }).withResponse();
    expect(data).toEqual({ object: "response.input_tokens", input_tokens: Math.ceil(12 / 4) + 2 * 3 });
    expect(response.headers.get("x-bf-estimated")).toBe("true");
  }
  expect(mock.requests).toHaveLength(0);
});

test("POST /v1/responses/input_tokens for Anthropic: Anthropic's count", async () => {
  const res = await post("/v1/responses/input_tokens", { model: "anthropic/claude-3-5-haiku-latest", input: [{ role: "user", content: "four words right here" }] });
  expect(res.status).toBe(200);
  expect(res.headers.get("x-bf-estimated")).toBeNull();
  expect(await res.json()).toEqual({ object: "response.input_tokens", input_tokens: 4 });
});

// ── The core ─────────────────────────────────────────────────────────

test("bf.countTokens: canonical answer with extra_fields; estimate marked, real count not", async () => {
  const req = { messages: [{ role: "user" as const, content: "count me please" }] };
  const real = await gw.bifrost.countTokens({ model: "anthropic/claude-3-5-haiku-latest", ...req });
  expect(real).toMatchObject({ object: "token_count", model: "claude-3-5-haiku-latest", input_tokens: 3, extra_fields: { provider: "anthropic", model_requested: "anthropic/claude-3-5-haiku-latest" } });
  expect(real.extra_fields?.estimated).toBeUndefined();
  const est = await gw.bifrost.countTokens({ model: "openai/gpt-4o-mini", ...req });
  expect(est).toMatchObject({ object: "token_count", model: "gpt-4o-mini", input_tokens: estimateInputTokens({ model: "x", ...req }), extra_fields: { provider: "openai", estimated: true } });
});

test("countTokens falls back like any request: an Anthropic 500 answers from the fallback's estimate", async () => {
  mock.fault({ status: 500, times: Infinity, match: { path: "/v1/messages/count_tokens" } });
  const res = await gw.bifrost.request("countTokens", { model: "anthropic/claude-3-5-haiku-latest", fallbacks: ["openai/gpt-4o-mini"], messages: [{ role: "user", content: "hi" }] });
  expect(res.answer.value.extra_fields).toMatchObject({ provider: "openai", estimated: true });
  mock.clearFaults();
});

test("estimate: ~4 characters per token over text, tool calls and tools, plus 3 per message, rounded up", () => {
  expect(estimateInputTokens({ model: "m", messages: [{ role: "user", content: "a" }] })).toBe(1 + 3);
  const tools = [{ type: "function", function: { name: "f" } }];
  const withTools = estimateInputTokens({
    model: "m",
    messages: [{ role: "assistant", content: null, tool_calls: [{ id: "1", type: "function", function: { name: "get", arguments: "{}" } }] }],
    tools,
  });
  expect(withTools).toBe(Math.ceil((5 + JSON.stringify(tools).length) / 4) + 3);
});

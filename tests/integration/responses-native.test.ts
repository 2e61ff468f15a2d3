/**
 * OpenAI Responses built-in tools end to end: the official `openai` SDK → gateway → mock upstream. A request with
 * web_search goes as it is to a provider that serves the Responses API natively (OpenAI, Azure); elsewhere a 400.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { openGateway, type Gateway } from "../support/gateway";
import { MATRIX_PROVIDERS } from "../support/matrix";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";

let mock: MockUpstream;
let gw: Gateway;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockUpstream();
  const providers: Record<string, any> = Object.fromEntries(MATRIX_PROVIDERS.map((p) => [p.name, p.config(mock.url)]));
  providers.openai = { ...providers.openai, network_config: { ...providers.openai.network_config, max_retries: 0 } };
  gw = await openGateway({ providers });
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "x", maxRetries: 0 });
});

afterAll(async () => {
  await gw?.close();
  await mock?.stop();
});

beforeEach(() => mock.reset());

const tools: OpenAI.Responses.Tool[] = [{ type: "web_search" }];
const input = "Is it true?";

/** What the upstream's Responses API received (the last such request). */
const sent = () => mock.requests.filter((r) => r.path.endsWith("/responses")).at(-1)!;

function expectSearchAndCitation(output: OpenAI.Responses.ResponseOutputItem[]): void {
  expect(output.map((o) => o.type)).toEqual(["web_search_call", "message"]);
  expect(output[0]).toMatchObject({ type: "web_search_call", status: "completed", action: { type: "search", query: input } });
  const message = output[1] as OpenAI.Responses.ResponseOutputMessage;
  const text = message.content[0] as OpenAI.Responses.ResponseOutputText;
  expect(text.annotations[0]).toMatchObject({ type: "url_citation", url: "https://example.com/mock", title: "Mock result" });
}

describe("openai SDK: Responses built-in tools run by the provider", () => {
  test("non-stream: the request goes to /v1/responses intact; the SDK sees the web_search_call and the cited message", async () => {
    const res = await client.responses.create({ model: "openai/gpt-4o", tools, input });
    const req = sent();
    expect(req.path).toBe("/v1/responses");
    expect(req.body).toEqual({ model: "gpt-4o", tools, input });
    expectSearchAndCitation(res.output);
    expect(res.output_text).toContain("Mock says yes");
    expect((res as any).extra_fields).toMatchObject({ provider: "openai", model_requested: "openai/gpt-4o" });
  });

  test("stream: the upstream's events pass through unchanged", async () => {
    const stream = await client.responses.create({ model: "openai/gpt-4o", tools, input, stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const ev of stream) events.push(ev);
    expect(sent().body).toEqual({ model: "gpt-4o", tools, input, stream: true });
    const types = events.map((e) => e.type);
    expect(types).toContain("response.web_search_call.searching");
    expect(types).toContain("response.output_text.annotation.added");
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const done = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(done.type).toBe("response.completed");
    expectSearchAndCitation(done.response.output);
  });

  test("stream: responses.stream().finalResponse() assembles the items", async () => {
    const res = await client.responses.stream({ model: "openai/gpt-4o", tools, input }).finalResponse();
    expectSearchAndCitation(res.output);
  });

  test("azure: the Responses path with api-version, the deployment as the model", async () => {
    const res = await client.responses.create({ model: "azure/gpt-4o-mini", tools, input });
    const req = sent();
    expect(req.path).toBe("/openai/responses");
    expect(req.search).toContain("api-version=2024-10-21");
    expect(req.body.model).toBe("prod-4o-mini");
    expectSearchAndCitation(res.output);
  });

  test("a provider without a native Responses API: a 400 naming the provider and the tool", async () => {
    const e = await client.responses.create({ model: "anthropic/claude-3-5-haiku-latest", tools: [{ type: "function", name: "f", parameters: {}, strict: false }, ...tools], input }).catch((e) => e);
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
    expect(e.param).toBe("tools[1].type");
    expect(e.message).toContain("provider anthropic");
    expect(e.message).toContain('"web_search"');
    expect(mock.requests).toHaveLength(0);
  });

  test("fallbacks: a native one answers; one without a native Responses API is that candidate's 400", async () => {
    mock.fault({ status: 503, match: { path: "/v1/responses" }, times: Infinity });
    try {
      const res = await client.responses.create({ model: "openai/gpt-4o", tools, input, fallbacks: ["azure/gpt-4o-mini"] } as any);
      expectSearchAndCitation(res.output);
      expect(sent().path).toBe("/openai/responses");
      expect(sent().body.fallbacks).toBeUndefined();

      mock.reset();
      mock.fault({ status: 503, match: { path: "/v1/responses" }, times: Infinity });
      const e = await client.responses.create({ model: "openai/gpt-4o", tools, input, fallbacks: ["anthropic/claude-3-5-haiku-latest"] } as any).catch((e) => e);
      // The primary's error answers; the fallback never reached an upstream.
      expect(e.status).toBe(503);
      expect(mock.requests.map((r) => r.path)).toEqual(["/v1/responses"]);
    } finally {
      mock.clearFaults();
    }
  });

  test("without built-in tools, /v1/responses still goes through chat completions", async () => {
    const res = await client.responses.create({ model: "openai/gpt-4o-mini", input: "Hello" });
    expect(mock.requests.at(-1)!.path).toBe("/v1/chat/completions");
    expect(res.output_text).toContain("mock reply to: Hello");
  });
});

describe("with provider worker threads (--workers 1)", () => {
  let wgw: Gateway;
  let wclient: OpenAI;
  beforeAll(async () => {
    wgw = await openGateway({ providers: { openai: { keys: [{ value: "sk-w" }], network_config: { base_url: mock.url } } } }, { workers: 1 });
    wclient = new OpenAI({ baseURL: `${wgw.url}/v1`, apiKey: "x", maxRetries: 0 });
  });
  afterAll(() => wgw?.close());

  test("the Response object and the event stream cross the worker boundary intact", async () => {
    expectSearchAndCitation((await wclient.responses.create({ model: "openai/gpt-4o", tools, input })).output);
    expectSearchAndCitation((await wclient.responses.stream({ model: "openai/gpt-4o", tools, input }).finalResponse()).output);
  });
});

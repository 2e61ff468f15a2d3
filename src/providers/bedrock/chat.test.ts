import { describe, expect, test } from "bun:test";
import type { ChatRequest } from "../../schemas/chat";
import { bedrockChatRequest, toConverseRequest } from "./chat";
import { fixtureJson, MODEL, target } from "./__fixtures__";

const req = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: `bedrock/${MODEL}`,
  messages: [{ role: "user", content: "Hello" }],
  ...over,
});
const body = (over: Partial<ChatRequest> = {}, model = MODEL) => toConverseRequest(req(over), target({ model }));

describe("wire request", () => {
  test("POSTs JSON to /model/{url-encoded id}/converse on the regional runtime host", () => {
    const wire = bedrockChatRequest(req(), target(), false);
    expect(wire.url).toBe("https://bedrock-runtime.us-west-2.amazonaws.com/model/anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse");
    expect(wire.method).toBe("POST");
    expect(wire.headers).toEqual({ "content-type": "application/json", accept: "application/json" });
    expect(JSON.parse(wire.body as string)).toEqual({ messages: [{ role: "user", content: [{ text: "Hello" }] }] });
  });

  test("streaming goes to /converse-stream and accepts application/vnd.amazon.eventstream", () => {
    const wire = bedrockChatRequest(req(), target(), true);
    expect(wire.url).toEndWith("/converse-stream");
    expect(wire.headers.accept).toBe("application/vnd.amazon.eventstream");
  });

  test("the body carries no model and no credentials (auth happens in authorize)", () => {
    const wire = bedrockChatRequest(req(), target({ apiKey: "bedrock-api-key" }), false);
    expect(wire.body).not.toContain("anthropic.claude");
    expect(wire.headers).not.toHaveProperty("authorization");
  });

  test("a base URL without {region} is used as given (proxy, VPC endpoint, mock)", () => {
    expect(bedrockChatRequest(req(), target({ baseUrl: "http://127.0.0.1:9100/" }), false).url).toBe(
      "http://127.0.0.1:9100/model/anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse",
    );
  });

  test("region defaults to us-east-1", () => {
    expect(bedrockChatRequest(req(), target({ keyConfig: {} }), false).url).toStartWith("https://bedrock-runtime.us-east-1.amazonaws.com/");
  });

  test("an inference-profile ARN prefix makes the model id `${arn}/${model}`, escaped as one path segment", () => {
    const arn = "arn:aws:bedrock:us-west-2:123456789012:application-inference-profile";
    const wire = bedrockChatRequest(req(), target({ model: "abc123", keyConfig: { region: "us-west-2", arn } }), false);
    expect(wire.url).toBe(`https://bedrock-runtime.us-west-2.amazonaws.com/model/${encodeURIComponent(`${arn}/abc123`)}/converse`);
    expect(new URL(wire.url).pathname.split("/")).toHaveLength(4);
  });

  test("extra headers are added and override defaults, whatever their case", () => {
    const h = bedrockChatRequest(req(), target({ extraHeaders: { "X-Amzn-Bedrock-GuardrailIdentifier": "gr-1", Accept: "*/*" } }), false).headers;
    expect(h).toEqual({ "content-type": "application/json", accept: "*/*", "x-amzn-bedrock-guardrailidentifier": "gr-1" });
  });
});

describe("image input", () => {
  test("a data: URL image is sent as Converse image bytes (wire transcript)", () => {
    const expected = fixtureJson("image-input.request.json");
    const bytes = expected.messages[0].content[1].image.source.bytes;
    const wire = bedrockChatRequest(
      req({
        messages: [
          { role: "system", content: "Describe images in one sentence." },
          { role: "user", content: [{ type: "text", text: "What is in this picture?" }, { type: "image_url", image_url: { url: `data:image/png;base64,${bytes}`, detail: "high" } }] },
        ],
        max_tokens: 300,
      }),
      target(),
      false,
    );
    expect(JSON.parse(wire.body as string)).toEqual(expected);
  });
});

describe("inferenceConfig", () => {
  test("max_completion_tokens wins over max_tokens; temperature, top_p and stop map to Converse names", () => {
    expect(body({ max_tokens: 100, max_completion_tokens: 200, temperature: 0, top_p: 0.9, stop: "END" }).inferenceConfig).toEqual({
      maxTokens: 200,
      temperature: 0,
      topP: 0.9,
      stopSequences: ["END"],
    });
  });

  test("no inferenceConfig when nothing is set; null and [] stop are omitted", () => {
    expect(body()).not.toHaveProperty("inferenceConfig");
    expect(body({ stop: null })).not.toHaveProperty("inferenceConfig");
    expect(body({ stop: [] })).not.toHaveProperty("inferenceConfig");
  });

  test("n > 1 is a 400", () => {
    expect(() => body({ n: 2 })).toThrow(expect.objectContaining({ status: 400, param: "n" }));
  });
});

describe("tools", () => {
  const tools: ChatRequest["tools"] = [
    { type: "function", function: { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } } } } },
    { type: "function", function: { name: "now" } },
  ];

  test("tools become toolSpecs with the JSON schema under inputSchema.json (an empty object schema when none)", () => {
    expect(body({ tools }).toolConfig).toEqual({
      tools: [
        { toolSpec: { name: "get_weather", description: "Weather for a city", inputSchema: { json: { type: "object", properties: { city: { type: "string" } } } } } },
        { toolSpec: { name: "now", inputSchema: { json: { type: "object", properties: {} } } } },
      ],
    });
  });

  test.each([
    ["auto", { auto: {} }],
    ["required", { any: {} }],
    [{ type: "function", function: { name: "now" } }, { tool: { name: "now" } }],
  ] as const)("tool_choice %j → %j", (choice, expected) => {
    expect(body({ tools, tool_choice: choice as ChatRequest["tool_choice"] }).toolConfig!.toolChoice).toEqual(expected);
  });

  test('tool_choice "none" sends no tools at all (Converse has no "none")', () => {
    expect(body({ tools, tool_choice: "none" })).not.toHaveProperty("toolConfig");
  });

  test("a non-function tool or a malformed tool_choice is a 400", () => {
    expect(() => body({ tools: [{ type: "web_search", function: { name: "x" } }] })).toThrow(expect.objectContaining({ param: "tools[0].type" }));
    expect(() => body({ tools, tool_choice: { type: "function" } })).toThrow(expect.objectContaining({ param: "tool_choice" }));
  });
});

describe("reasoning and model-specific fields", () => {
  test("reasoning.max_tokens → additionalModelRequestFields.thinking for Claude, maxTokens raised above the budget", () => {
    const b = body({ reasoning: { max_tokens: 2048 }, max_tokens: 1000 });
    expect(b.additionalModelRequestFields).toEqual({ thinking: { type: "enabled", budget_tokens: 2048 } });
    expect(b.inferenceConfig!.maxTokens).toBe(2048 + 4096);
  });

  test("reasoning_effort maps to Anthropic's budgets; a larger max_tokens is kept", () => {
    const b = body({ reasoning_effort: "medium", max_tokens: 10000 });
    expect(b.additionalModelRequestFields).toEqual({ thinking: { type: "enabled", budget_tokens: 4096 } });
    expect(b.inferenceConfig!.maxTokens).toBe(10000);
  });

  test("cross-region profiles and ARNs of Claude count as Claude", () => {
    expect(body({ reasoning_effort: "low" }, "us.anthropic.claude-sonnet-4-20250514-v1:0").additionalModelRequestFields).toBeDefined();
  });

  test("other models get no thinking fields", () => {
    expect(body({ reasoning_effort: "high", top_k: 5 }, "amazon.nova-pro-v1:0")).not.toHaveProperty("additionalModelRequestFields");
  });

  test("top_k goes to additionalModelRequestFields for Claude", () => {
    expect(body({ top_k: 40 }).additionalModelRequestFields).toEqual({ top_k: 40 });
  });
});

test("a tool's cache_control becomes a cachePoint after it in toolConfig", async () => {
  const { toToolConfig } = await import("./tools");
  const cfg = toToolConfig({
    model: "m",
    messages: [{ role: "user", content: "x" }],
    tools: [{ type: "function", function: { name: "search" }, cache_control: { type: "ephemeral" } }],
  } as any);
  expect(cfg!.tools).toEqual([{ toolSpec: { name: "search", inputSchema: { json: { type: "object", properties: {} } } } }, { cachePoint: { type: "default" } }]);
});

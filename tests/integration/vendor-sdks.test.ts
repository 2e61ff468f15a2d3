/** Each vendor's official SDK, pointed at the gateway's drop-in prefix, once each. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { GoogleGenAI } from "@google/genai";
import { startGateway, type GatewayProcess } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";

let mock: MockUpstream;
let gw: GatewayProcess;

beforeAll(async () => {
  mock = await startMockUpstream();
  gw = await startGateway({
    config: {
      providers: {
        openai: { keys: [{ value: "sk-vendor-1" }], network_config: { base_url: mock.url } },
        anthropic: { keys: [{ value: "sk-vendor-2" }], network_config: { base_url: mock.url } },
        gemini: { keys: [{ value: "sk-vendor-3" }], network_config: { base_url: mock.url } },
      },
    },
  });
});
afterAll(async () => {
  await gw?.stop();
  await mock?.stop();
});

test("@google/genai: generateContent and generateContentStream, served by OpenAI", async () => {
  const ai = new GoogleGenAI({ apiKey: "unused", httpOptions: { baseUrl: `${gw.url}/genai` } });
  const res = await ai.models.generateContent({ model: "openai/gpt-4o-mini", contents: "hello from genai" });
  expect(res.text).toStartWith("mock reply to: hello from");
  expect(res.usageMetadata?.candidatesTokenCount).toBe(5);
  let text = "";
  for await (const chunk of await ai.models.generateContentStream({ model: "anthropic/claude-3-5-haiku-latest", contents: "stream from genai" })) text += chunk.text ?? "";
  expect(text).toStartWith("mock reply to: stream from");
});

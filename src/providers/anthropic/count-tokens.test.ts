import { expect, test } from "bun:test";
import { anthropicCountTokensRequest, fromAnthropicCount } from "./count-tokens";

const target = { provider: "anthropic", model: "claude-3-5-haiku-latest", baseUrl: "https://api.anthropic.com", apiKey: "sk-a", extraHeaders: {} };

test("count_tokens gets the prompt fields only: no max_tokens, temperature or stream", () => {
  const wire = anthropicCountTokensRequest(
    { model: "anthropic/claude-3-5-haiku-latest", max_tokens: 100, temperature: 0.5, stream: true, messages: [{ role: "system", content: "sys" }, { role: "user", content: "hi" }], tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }], tool_choice: "required" },
    target,
  );
  expect(wire.url).toBe("https://api.anthropic.com/v1/messages/count_tokens");
  expect(wire.headers["x-api-key"]).toBe("sk-a");
  const body = JSON.parse(wire.body as string);
  expect(Object.keys(body).sort()).toEqual(["messages", "model", "system", "tool_choice", "tools"]);
  expect(body.tool_choice).toEqual({ type: "any" });
});

test("{input_tokens} → canonical count; a body without it is a 502", () => {
  expect(fromAnthropicCount({ input_tokens: 12 }, target)).toEqual({ object: "token_count", model: "claude-3-5-haiku-latest", input_tokens: 12 });
  expect(() => fromAnthropicCount({}, target)).toThrow("input_tokens");
});

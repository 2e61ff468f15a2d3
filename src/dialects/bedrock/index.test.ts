import { expect, test } from "bun:test";
import { BifrostError } from "../../schemas/error";
import { bedrockDialect } from "./index";
import { fixtureJson } from "./__fixtures__";

test("named bedrock, every method wired", () => {
  expect(bedrockDialect.name).toBe("bedrock");
  const req = bedrockDialect.toChatRequest({ messages: [{ role: "user", content: [{ text: "Hi" }] }] }, { model: "openai%2Fgpt-4o-mini", stream: true });
  expect(req).toMatchObject({ model: "openai/gpt-4o-mini", stream: true, messages: [{ role: "user", content: "Hi" }] });
  expect(bedrockDialect.fromChatResponse(fixtureJson("chat-tool-call.json"), {})).toMatchObject({ stopReason: "tool_use" });
  const enc = bedrockDialect.streamEncoder({ stream: true });
  expect(enc.contentType).toBe("application/vnd.amazon.eventstream");
  expect(enc.end().length).toBe(3);
  expect(bedrockDialect.errorBody(new BifrostError({ status: 400, message: "bad" }))).toEqual({ status: 400, body: { message: "bad" } });
});

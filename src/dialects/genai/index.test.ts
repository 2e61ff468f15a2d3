import { expect, test } from "bun:test";
import { BifrostError } from "../../schemas/error";
import { genaiDialect } from "./index";

test("named genai, and every method is wired", () => {
  expect(genaiDialect.name).toBe("genai");
  const req = genaiDialect.toChatRequest({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }, { model: "openai/gpt-4o-mini", stream: true });
  expect(req).toEqual({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } });
  const res = genaiDialect.fromChatResponse(
    { id: "r", object: "chat.completion", created: 0, model: "gpt-4o-mini", choices: [{ index: 0, message: { role: "assistant", content: "yo" }, finish_reason: "stop" }] },
    { model: "openai/gpt-4o-mini" },
  ) as any;
  expect(res.candidates[0].content.parts).toEqual([{ text: "yo" }]);
  expect(genaiDialect.streamEncoder({}).contentType).toBe("text/event-stream");
  expect(genaiDialect.errorBody(new BifrostError({ status: 404, message: "no such model" }))).toEqual({
    status: 404,
    body: { error: { code: 404, message: "no such model", status: "NOT_FOUND" } },
  });
});

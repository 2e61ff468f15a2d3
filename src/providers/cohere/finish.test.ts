import { expect, test } from "bun:test";
import { finishError, mapFinishReason } from "./finish";
import { target } from "./__fixtures__";

test.each([
  ["COMPLETE", "stop"],
  ["STOP_SEQUENCE", "stop"],
  ["MAX_TOKENS", "length"],
  ["TOOL_CALL", "tool_calls"],
  ["complete", "stop"],
  ["ERROR_LIMIT", "length"],
  ["CONTENT_BLOCKED", "content_filter"],
  ["SOMETHING_NEW", "stop"],
  [null, null],
])("finish_reason %p → %p", (reason, expected) => {
  expect(mapFinishReason(reason)).toBe(expected as any);
});

test("ERROR and TIMEOUT are errors (502, 504), other reasons are not", () => {
  expect(finishError("ERROR", "boom", target())).toMatchObject({ status: 502, message: "boom", extra: { provider: "cohere" } });
  expect(finishError("TIMEOUT", undefined, target())).toMatchObject({ status: 504, type: "timeout_error" });
  expect(finishError("COMPLETE", undefined, target())).toBeNull();
});

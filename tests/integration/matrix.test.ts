/**
 * The translation matrix: every ingress dialect × every provider, non-stream and stream, through the
 * running server against the mock upstream (which speaks each provider's wire format). Each cell checks
 * the client dialect's envelope, the reply text, and the token usage the mock counted, cached tokens included.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openGateway, type Gateway } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { CACHED_TOKENS } from "../support/mock/types";
import { MATRIX_DIALECTS, MATRIX_PROVIDERS, MATRIX_TOOL_DIALECTS } from "../support/matrix";

let mock: MockUpstream;
let gw: Gateway;

beforeAll(async () => {
  mock = await startMockUpstream({ record: false });
  const providers = Object.fromEntries(MATRIX_PROVIDERS.map((p) => [p.name, p.config(mock.url)]));
  gw = await openGateway({ providers });
});
afterAll(async () => {
  await gw?.close();
  await mock?.stop();
});

/** "cached" makes every mock report CACHED_TOKENS of the prompt as cache reads, each in its own fields. */
const PROMPT = "hello cached cell";
const PROMPT_WORDS = 3;
const REPLY_WORDS = 5;

for (const dialect of MATRIX_DIALECTS) {
  describe(`${dialect.name} dialect`, () => {
    for (const provider of MATRIX_PROVIDERS) {
      for (const stream of [false, true]) {
        test(`→ ${provider.name} ${stream ? "stream" : "non-stream"}`, async () => {
          const a = await dialect.call(gw.url, `${provider.name}/${provider.model}`, PROMPT, stream);
          expect(a.shapeOk).toBe(true);
          expect(a.text).toStartWith(`mock reply to: ${PROMPT}`.split(" ").slice(0, REPLY_WORDS).join(" "));
          expect(a.promptTokens).toBe(PROMPT_WORDS);
          expect(a.completionTokens).toBe(REPLY_WORDS);
          expect(a.cachedTokens).toBe(CACHED_TOKENS);
        });
      }
    }
  });
}

// Tool calls: the cell most often broken in translation (arguments mangled, streamed pieces lost).
const TOOL_PROMPT = "please use the tool now";

for (const dialect of MATRIX_TOOL_DIALECTS) {
  describe(`${dialect.name} dialect, tool call`, () => {
    for (const provider of MATRIX_PROVIDERS) {
      for (const stream of [false, true]) {
        test(`→ ${provider.name} ${stream ? "stream" : "non-stream"}`, async () => {
          const call = await dialect.callTool(gw.url, `${provider.name}/${provider.model}`, TOOL_PROMPT, stream);
          expect(call).toEqual({ name: "search", args: { query: TOOL_PROMPT } });
        });
      }
    }
  });
}

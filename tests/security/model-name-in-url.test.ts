/**
 * Issue 11, finding 1: Gemini and Vertex put the model name into the URL path unencoded.
 * `vertex/../../…:rawPredict?x=` reached another project's path with the operator's token, and
 * `gemini/x/../<blacklisted>` and `gemini/models/<blacklisted>` got past `blacklisted_models`.
 */
import { beforeEach, expect, test } from "bun:test";
import { checkModelName, modelPathSegments } from "../../src/core/model-name";
import { gatewayOnMock } from "../support/mock-gateway";

const setup = gatewayOnMock((url) => ({
  openai: { keys: [{ value: "sk-1" }], network_config: { base_url: url } },
  anthropic: { keys: [{ value: "sk-2" }], network_config: { base_url: url } },
  gemini: { keys: [{ value: "sk-3", blacklisted_models: ["gemini-secret"] }], network_config: { base_url: url } },
  vertex: { keys: [{ value: "ya29.mock", vertex_key_config: { project_id: "proj", region: "us-east5" } }], network_config: { base_url: url } },
}));
beforeEach(() => setup.mock.reset());

const chat = (model: string, extra: Record<string, unknown> = {}) =>
  setup.gw.fetch("/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], ...extra }) });

async function refused(model: string, extra?: Record<string, unknown>) {
  const res = await chat(model, extra);
  const body = (await res.json()) as any;
  expect(res.status).toBe(400);
  expect(body.error.param).toBe("model");
  expect(setup.mock.requests).toHaveLength(0);
  return body;
}

test("vertex/../../<other project>:rawPredict?x= is a 400 and never reaches the upstream", async () => {
  const body = await refused("vertex/../../../../projects/victim/locations/us-east5/publishers/anthropic/models/claude-x:rawPredict?x=");
  expect(body.error.code).toBe("invalid_model");
});

test("gemini/x/../<blacklisted> is a 400: no .. segments", async () => {
  await refused("gemini/x/../gemini-secret");
});

test("gemini/models/<blacklisted> is matched on the normalised name and refused", async () => {
  const body = await refused("gemini/models/gemini-secret");
  expect(body.error.code).toBe("no_eligible_key");
});

test("?, #, %, \\ and control characters in a model name are a 400", async () => {
  for (const m of ["gemini/gemini-x?alt=json", "gemini/gemini-x#f", "gemini/gemini%2F..%2Fx", "vertex/a\\..\\b", "openai/gpt-4o\r\nx: y"]) await refused(m);
});

test("a fallback with a bad model name is a 400 too", async () => {
  await refused("openai/gpt-4o", { fallbacks: ["vertex/../x"] });
});

test("providers without slashes in their ids refuse them; Gemini's models/ prefix is allowed and sent once", async () => {
  await refused("anthropic/claude-x/y");
  await refused("vertex/publishers/google/models/gemini-x");
  await refused("gemini/models/a/b");
  await chat("gemini/models/gemini-2.0-flash");
  expect(setup.mock.requests[0]!.path).toBe("/v1beta/models/gemini-2.0-flash:generateContent");
});

test("slashes stay legal where model ids have them (OpenAI-compatible org/model, Bedrock ARNs)", () => {
  expect(checkModelName("together", "meta-llama/Llama-3-8b")).toBe("meta-llama/Llama-3-8b");
  expect(checkModelName("openai", "ft:gpt-4o:org::id")).toBe("ft:gpt-4o:org::id");
  expect(checkModelName("bedrock", "arn:aws:bedrock:us-east-1:123:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0")).toContain("inference-profile/");
  expect(() => checkModelName("together", "meta-llama/../x")).toThrow(/invalid model name/);
});

test("the model is escaped per URL segment; Vertex's @version survives", async () => {
  expect(modelPathSegments("models/a:b c")).toBe("models/a%3Ab%20c");
  await chat("vertex/claude-3-5-sonnet@20240620");
  expect(setup.mock.requests[0]!.path).toBe("/v1/projects/proj/locations/us-east5/publishers/anthropic/models/claude-3-5-sonnet@20240620:rawPredict");
});

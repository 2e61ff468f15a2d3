/**
 * The paths Go Bifrost's users and their SDKs send: the OpenAI SDK at `baseURL: <gateway>/openai` (Go Bifrost's
 * documented base URL, no /v1) and `AzureOpenAI` at the gateway (`/openai/deployments/{deployment}/…`).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI, { AzureOpenAI } from "openai";
import { openGateway, type Gateway } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { collectChat as collect } from "../support/openai-stream";

const OPENAI_KEY = "sk-openai-secret-123456";
const AZURE_KEY = "azure-resource-key-7890";
/** The azure provider's configured api_version; the client's is not forwarded. */
const CONFIGURED_API_VERSION = "2024-10-21";
const CLIENT_API_VERSION = "2024-06-01";

let mock: MockUpstream;
let gw: Gateway;

beforeAll(async () => {
  mock = await startMockUpstream();
  gw = await openGateway(
    {
      providers: {
        openai: { keys: [{ name: "oa", value: "env.OA_KEY", models: ["*"], weight: 1 }], network_config: { base_url: mock.url } },
        azure: {
          keys: [
            {
              name: "az",
              value: "env.AZ_KEY",
              // Models, not deployments: a deployment the map names is served as its model, so this list still matches.
              models: ["gpt-4o", "text-embedding-3-small", "o3-mini"],
              weight: 1,
              azure_key_config: { endpoint: mock.url, deployments: { "gpt-4o": "gpt4o-prod", "text-embedding-3-small": "embed-small" }, api_version: CONFIGURED_API_VERSION },
            },
          ],
        },
      },
    },
    { env: { OA_KEY: OPENAI_KEY, AZ_KEY: AZURE_KEY } },
  );
});

afterAll(async () => {
  await gw?.close();
  await mock?.stop();
});

describe("the OpenAI SDK at baseURL <gateway>/openai (Go Bifrost's base URL)", () => {
  let client: OpenAI;
  beforeAll(() => {
    client = new OpenAI({ baseURL: `${gw.url}/openai`, apiKey: "unused", maxRetries: 0 });
  });

  test("chat.completions.create answers with the upstream's reply and usage", async () => {
    const res = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Hello there" }] });
    expect(res.choices[0]!.message.content).toStartWith("mock reply to: Hello there");
    expect(res.usage!.prompt_tokens).toBeGreaterThan(0);
    const up = mock.requests.at(-1)!;
    expect(up.path).toBe("/v1/chat/completions");
    expect(up.body.model).toBe("gpt-4o-mini");
    expect(up.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
  });

  test("stream: true yields the reply chunk by chunk, usage at the end", async () => {
    const { text, usage } = await collect(await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Stream me" }], stream: true, stream_options: { include_usage: true } }));
    expect(text).toStartWith("mock reply to: Stream me");
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
  });

  test("embeddings.create returns one vector per input", async () => {
    const res = await client.embeddings.create({ model: "openai/text-embedding-3-small", input: ["a", "b"] });
    expect(res.data.map((d) => d.embedding.length > 0)).toEqual([true, true]);
    expect(mock.requests.at(-1)!.path).toBe("/v1/embeddings");
  });

  test("completions.create answers a text completion", async () => {
    const res = await client.completions.create({ model: "openai/gpt-4o-mini", prompt: "Say hi", max_tokens: 20 });
    expect(res.choices[0]!.text).toContain("Say hi");
  });

  test("models.list lists the configured providers' models, the azure deployments map's included", async () => {
    const ids = (await client.models.list()).data.map((m) => m.id);
    expect(ids).toContain("openai/gpt-4o-mini");
    expect(ids).toContain("azure/gpt-4o");
  });

  test("responses.create answers the Responses API", async () => {
    const res = await client.responses.create({ model: "openai/gpt-4o-mini", input: "Hello responses" });
    expect(res.output_text).toStartWith("mock reply to: Hello responses");
    expect(res.usage!.output_tokens).toBeGreaterThan(0);
  });

  // Every route /v1 has is at /openai too: an unconfigured provider is the gateway's 400, not a 404.
  test.each(["/completions", "/rerank", "/images/generations", "/audio/speech"])("POST /openai%s is routed", async (path) => {
    const res = await gw.fetch(`/openai${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "mistral/x", prompt: "p", input: "i", query: "q", documents: ["d"] }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.code).not.toBe("route_not_found");
  });

  test("POST /openai/audio/transcriptions is routed (it wants a multipart body)", async () => {
    const res = await gw.fetch("/openai/audio/transcriptions", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.code).toBe("invalid_content_type");
  });
});

describe("AzureOpenAI at the gateway → the azure provider", () => {
  const azure = (deployment: string, endpoint = gw.url) => new AzureOpenAI({ endpoint, apiKey: "client-key-not-forwarded", apiVersion: CLIENT_API_VERSION, deployment, maxRetries: 0 });

  /** What reached the mock: Azure's deployment path, the configured api-version, the provider's key. */
  function expectUpstream(deployment: string, op: "chat/completions" | "embeddings") {
    const up = mock.requests.at(-1)!;
    expect(up.path).toBe(`/openai/deployments/${deployment}/${op}`);
    expect(new URLSearchParams(up.search).get("api-version")).toBe(CONFIGURED_API_VERSION);
    expect(up.headers["api-key"]).toBe(AZURE_KEY);
    return up;
  }

  test("chat: the reply and usage, from the deployment the SDK named", async () => {
    const res = await azure("gpt4o-prod").chat.completions.create({ model: "", messages: [{ role: "user", content: "Hola Azure" }] });
    expect(res.choices[0]!.message.content).toStartWith("mock reply to: Hola Azure");
    expect(res.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 5, total_tokens: 7 });
    expect(res.model).toBe("gpt4o-prod");
    expectUpstream("gpt4o-prod", "chat/completions");
  });

  test("chat stream: the reply chunk by chunk, usage at the end", async () => {
    const { text, usage } = await collect(await azure("gpt4o-prod").chat.completions.create({ model: "", messages: [{ role: "user", content: "Stream Azure" }], stream: true, stream_options: { include_usage: true } }));
    expect(text).toBe("mock reply to: Stream Azure");
    expect(usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 5 });
    expect(expectUpstream("gpt4o-prod", "chat/completions").body.stream).toBe(true);
  });

  test("embeddings: one vector per input from the embedding deployment", async () => {
    const res = await azure("embed-small").embeddings.create({ model: "", input: ["a", "b c"], dimensions: 4 });
    expect(res.data.map((d) => d.embedding.length)).toEqual([4, 4]);
    expect(res.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    expectUpstream("embed-small", "embeddings");
  });

  test("a deployment named by a model the map lists goes as the mapped deployment; one the map lacks is its own", async () => {
    await azure("gpt-4o").chat.completions.create({ model: "", messages: [{ role: "user", content: "mapped" }] });
    expectUpstream("gpt4o-prod", "chat/completions");
    await azure("o3-mini").chat.completions.create({ model: "", messages: [{ role: "user", content: "unmapped" }] });
    expectUpstream("o3-mini", "chat/completions");
  });

  test("without the deployment option the body's model is the deployment, as the SDK puts it in the path", async () => {
    const client = new AzureOpenAI({ endpoint: gw.url, apiKey: "k", apiVersion: CLIENT_API_VERSION, maxRetries: 0 });
    await client.chat.completions.create({ model: "gpt4o-prod", messages: [{ role: "user", content: "from model" }] });
    expectUpstream("gpt4o-prod", "chat/completions");
  });

  test("Go Bifrost's endpoint <gateway>/openai is served the same", async () => {
    const res = await azure("gpt4o-prod", `${gw.url}/openai`).chat.completions.create({ model: "", messages: [{ role: "user", content: "Go form" }] });
    expect(res.choices[0]!.message.content).toStartWith("mock reply to: Go form");
    expectUpstream("gpt4o-prod", "chat/completions");
  });

  test("a {provider}/{deployment} deployment goes to that provider (Go Bifrost's form)", async () => {
    const res = await azure("openai/gpt-4o-mini").chat.completions.create({ model: "", messages: [{ role: "user", content: "to openai" }] });
    expect(res.choices[0]!.message.content).toStartWith("mock reply to: to openai");
    expect(mock.requests.at(-1)!).toMatchObject({ path: "/v1/chat/completions", body: { model: "gpt-4o-mini" } });
  });

  test("an operation the gateway does not serve under a deployment is a 404", async () => {
    const res = await gw.fetch("/openai/deployments/gpt4o-prod/fine_tuning/jobs?api-version=2024-10-21", { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
  });
});

test("AzureOpenAI with no azure provider configured: a 400 that says so", async () => {
  const bare = await openGateway({ providers: { openai: { keys: [{ name: "oa", value: "sk-x", models: ["*"], weight: 1 }], network_config: { base_url: mock.url } } } });
  try {
    const client = new AzureOpenAI({ endpoint: bare.url, apiKey: "k", apiVersion: CLIENT_API_VERSION, deployment: "gpt4o-prod", maxRetries: 0 });
    const err = await client.chat.completions.create({ model: "", messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toContain("no azure provider is configured");
  } finally {
    await bare.close();
  }
});

test("with inference auth on, AzureOpenAI's apiKey (sent as api-key) is a session token like Bearer's", async () => {
  const PW = "a-long-admin-password-1";
  const authed = await openGateway(
    {
      auth_config: { is_enabled: true, admin_username: "admin", admin_password: "env.ADMIN_PW", disable_auth_on_inference: false },
      providers: { azure: { keys: [{ name: "az", value: AZURE_KEY, models: ["*"], weight: 1, azure_key_config: { endpoint: mock.url } }] } },
    },
    { env: { ADMIN_PW: PW } },
  );
  try {
    // Over the socket: the server's guard holds the session (gw.fetch's app has its own).
    const login = await fetch(`${authed.url}/api/session/login`, { method: "POST", body: JSON.stringify({ username: "admin", password: PW }) });
    const { token } = (await login.json()) as { token: string };
    const ask = (apiKey: string) =>
      new AzureOpenAI({ endpoint: authed.url, apiKey, apiVersion: CLIENT_API_VERSION, deployment: "gpt4o-prod", maxRetries: 0 }).chat.completions.create({ model: "", messages: [{ role: "user", content: "authed" }] });
    expect((await ask(token)).choices[0]!.message.content).toStartWith("mock reply to: authed");
    expect(await ask("not-a-session").catch((e) => e)).toBeInstanceOf(OpenAI.AuthenticationError);
    // api-key is not an admin credential.
    expect((await fetch(`${authed.url}/api/providers`, { headers: { "api-key": token } })).status).toBe(401);
  } finally {
    await authed.close();
  }
});

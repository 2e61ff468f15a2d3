/** encoding_format on /v1/embeddings, for every provider: base64 (the OpenAI SDK's default) is little-endian float32. */
import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { gatewayOnMock } from "../support/mock-gateway";
import { embed } from "../support/mock/types";
import { base64ToFloats } from "../../src/core/embedding-encoding";

const setup = gatewayOnMock((url) => ({
  openai: { keys: [{ value: "sk-emb-1" }], network_config: { base_url: url } },
  gemini: { keys: [{ value: "sk-emb-2" }], network_config: { base_url: url } },
  cohere: { keys: [{ value: "sk-emb-3" }], network_config: { base_url: url } },
  bedrock: { keys: [{ value: "", bedrock_key_config: { access_key: "mock-access", secret_key: "mock-secret", region: "us-east-1" } }], network_config: { base_url: url } },
  vertex: { keys: [{ value: "ya29.mock-token", vertex_key_config: { project_id: "proj", region: "us-central1" } }], network_config: { base_url: url } },
}));

const MODELS = ["gemini/text-embedding-004", "bedrock/amazon.titan-embed-text-v2:0", "cohere/embed-english-v3.0", "vertex/text-embedding-005", "openai/text-embedding-3-small"];
const TEXT = "the quick brown fox";

async function embeddings(body: Record<string, unknown>) {
  const res = await setup.gw.fetch("/v1/embeddings", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return ((await res.json()) as any).data as Array<{ embedding: number[] | string }>;
}

/** What the mock answered, as floats: its own vector for the dialect providers, its float answer for OpenAI. */
async function mockFloats(model: string, length: number): Promise<number[]> {
  if (!model.startsWith("openai/")) return embed(TEXT, length);
  const res = await fetch(`${setup.mock.url}/v1/embeddings`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-emb-1" },
    body: JSON.stringify({ model: "text-embedding-3-small", input: TEXT, encoding_format: "float" }),
  });
  return ((await res.json()) as any).data[0].embedding;
}

describe.each(MODELS)("%s", (model) => {
  test("the openai SDK's embeddings.create (base64 by default) returns the mock's floats", async () => {
    const client = new OpenAI({ baseURL: `${setup.gw.url}/v1`, apiKey: "unused" });
    const res = await client.embeddings.create({ model, input: TEXT });
    // OpenAI-compatible upstreams are asked for base64 themselves, and their answer is not encoded twice.
    if (model.startsWith("openai/")) expect(setup.mock.requests.at(-1)!.body.encoding_format).toBe("base64");
    const got = res.data[0]!.embedding;
    expect(got.length).toBeGreaterThan(0);
    const want = await mockFloats(model, got.length);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
  });

  test("encoding_format base64 answers a base64 string of little-endian float32, once encoded", async () => {
    const [item] = await embeddings({ model, input: TEXT, encoding_format: "base64" });
    expect(item!.embedding).toBeString();
    const got = base64ToFloats(item!.embedding as string);
    const want = await mockFloats(model, got.length);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
  });

  test("encoding_format float (or none) answers floats", async () => {
    for (const body of [{ model, input: TEXT, encoding_format: "float" }, { model, input: TEXT }]) {
      const [item] = await embeddings(body);
      expect(Array.isArray(item!.embedding)).toBe(true);
      expect(item!.embedding).toEqual(await mockFloats(model, (item!.embedding as number[]).length));
    }
  });
});

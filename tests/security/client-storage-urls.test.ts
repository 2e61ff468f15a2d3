/**
 * Issue 11, finding 2: clients' gs:// URLs were forwarded to Vertex (and Gemini's fileData), which read them
 * with the operator's identity. gs:// and file: URLs from clients are a 400 unless the provider's
 * network_config.allow_client_storage_urls allows them.
 */
import { beforeEach, expect, test } from "bun:test";
import { refuseStorageUrls } from "../../src/core/storage-urls";
import { gatewayOnMock } from "../support/mock-gateway";

const vertexKey = [{ value: "ya29.mock", vertex_key_config: { project_id: "proj", region: "us-central1" } }];
const setup = gatewayOnMock((url) => ({
  vertex: { keys: vertexKey, network_config: { base_url: url } },
  gemini: { keys: [{ value: "sk-g" }], network_config: { base_url: url } },
  openai: { keys: [{ value: "sk-o" }], network_config: { base_url: url } },
  anthropic: { keys: [{ value: "sk-a" }], network_config: { base_url: url } },
  "vertex-trusted": { keys: vertexKey, custom_provider_config: { base_provider_type: "vertex" }, network_config: { base_url: url, allow_client_storage_urls: true } },
}));
beforeEach(() => setup.mock.reset());

const post = (path: string, body: unknown) => setup.gw.fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const withImage = (model: string, url: string) => ({ model, messages: [{ role: "user", content: [{ type: "text", text: "what is it" }, { type: "image_url", image_url: { url } }] }] });
const withFile = (model: string, file_url: string) => ({ model, messages: [{ role: "user", content: [{ type: "file", file: { file_url } }] }] });

async function refused(res: Response) {
  const body = (await res.json()) as any;
  expect(res.status).toBe(400);
  expect(body.error.code).toBe("storage_url_not_allowed");
  expect(body.error.param).toContain("messages[0].content");
  expect(setup.mock.requests).toHaveLength(0);
}

test("a client's gs:// image_url for Vertex is a 400, and Vertex is never called", async () => {
  await refused(await post("/v1/chat/completions", withImage("vertex/gemini-2.0-flash", "gs://operator-bucket/secret.png")));
});

test("gs:// file parts (Gemini fileData) and file: URLs are refused too", async () => {
  await refused(await post("/v1/chat/completions", withFile("gemini/gemini-2.0-flash", "gs://operator-bucket/report.pdf")));
  await refused(await post("/v1/chat/completions", withImage("openai/gpt-4o", "file:///etc/passwd")));
  await refused(await post("/v1/chat/completions", withImage("openai/gpt-4o", " FILE:///etc/passwd")));
});

test("an Anthropic-dialect document with a gs:// source URL is refused", async () => {
  const res = await post("/anthropic/v1/messages", {
    model: "vertex/claude-3-5-sonnet@20240620",
    max_tokens: 10,
    messages: [{ role: "user", content: [{ type: "document", source: { type: "url", url: "gs://operator-bucket/x.pdf" } }] }],
  });
  expect(res.status).toBe(400);
  expect(JSON.stringify(await res.json())).toContain("gs: URLs are not accepted");
  expect(setup.mock.requests).toHaveLength(0);
});

test("a provider with network_config.allow_client_storage_urls forwards them", async () => {
  await post("/v1/chat/completions", withImage("vertex-trusted/gemini-2.0-flash", "gs://operator-bucket/ok.png"));
  expect(setup.mock.requests).toHaveLength(1);
  expect(JSON.stringify(setup.mock.requests[0]!.body)).toContain("gs://operator-bucket/ok.png");
});

test("https and data: URLs, and gs:// in plain text, pass", () => {
  expect(() => refuseStorageUrls(withImage("m", "https://example.com/a.png"), "p")).not.toThrow();
  expect(() => refuseStorageUrls(withImage("m", "data:image/png;base64,AAAA"), "p")).not.toThrow();
  expect(() => refuseStorageUrls({ messages: [{ role: "user", content: "see gs://bucket/x and file:///tmp" }] }, "p")).not.toThrow();
});

test("a GenAI-dialect fileData with a gs:// fileUri is refused", async () => {
  const res = await post("/genai/v1beta/models/vertex/gemini-2.0-flash:generateContent", {
    contents: [{ role: "user", parts: [{ fileData: { fileUri: "gs://operator-bucket/x.pdf", mimeType: "application/pdf" } }] }],
  });
  expect(res.status).toBe(400);
  expect(JSON.stringify(await res.json())).toContain("gs: URLs are not accepted");
  expect(setup.mock.requests).toHaveLength(0);
});

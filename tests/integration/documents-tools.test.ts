/** Documents (PDF, text) and provider-run tools end to end: the official SDKs → gateway → mock upstream, asserting what the upstream received and what the SDK sees. */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { openGateway, type Gateway } from "../support/gateway";
import { MATRIX_PROVIDERS } from "../support/matrix";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";

let mock: MockUpstream;
let gw: Gateway;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  mock = await startMockUpstream();
  gw = await openGateway({ providers: Object.fromEntries(MATRIX_PROVIDERS.map((p) => [p.name, p.config(mock.url)])) });
  openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "unused", maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: `${gw.url}/anthropic`, apiKey: "unused", maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
  await mock?.stop();
});

const PDF = "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKdHJhaWxlcgo8PC9Sb290IDEgMCBSPj4KJSVFT0YK";
const documents: Anthropic.ContentBlockParam[] = [
  { type: "document", source: { type: "base64", media_type: "application/pdf", data: PDF }, title: "Q3 report.pdf", context: "unaudited", citations: { enabled: true }, cache_control: { type: "ephemeral" } },
  { type: "document", source: { type: "text", media_type: "text/plain", data: "The grass is green." }, title: "Notes" },
  { type: "document", source: { type: "url", url: "https://example.com/paper.pdf" } },
  { type: "text", text: "What do these say?" },
];

describe("@anthropic-ai/sdk → anthropic: documents and citations", () => {
  test("the documents reach Anthropic intact and the SDK sees the citation", async () => {
    const msg = await anthropic.messages.create({ model: "anthropic/claude-3-5-haiku-latest", max_tokens: 256, messages: [{ role: "user", content: documents }] });
    expect(mock.requests.at(-1)!.body.messages[0].content).toEqual(documents);
    const cited = msg.content.find((b) => b.type === "text" && b.citations?.length) as Anthropic.TextBlock;
    expect(cited.citations![0] as unknown).toEqual({ type: "page_location", cited_text: "mock page", document_index: 0, document_title: "Q3 report.pdf", start_page_number: 1, end_page_number: 2 });
  });

  test("stream: the citation arrives as citations_delta and the final message carries it", async () => {
    const stream = anthropic.messages.stream({ model: "anthropic/claude-3-5-haiku-latest", max_tokens: 256, messages: [{ role: "user", content: documents }] });
    const deltas: string[] = [];
    stream.on("streamEvent", (e) => e.type === "content_block_delta" && deltas.push(e.delta.type));
    const msg = await stream.finalMessage();
    expect(deltas).toContain("citations_delta");
    expect(msg.content.at(-1)).toMatchObject({ type: "text", text: "as the document says", citations: [{ type: "page_location", document_title: "Q3 report.pdf" }] });
  });
});

describe("@anthropic-ai/sdk → anthropic: web search runs at Anthropic", () => {
  const tools: Anthropic.ToolUnion[] = [{ type: "web_search_20250305", name: "web_search", max_uses: 2 }];

  test("the server tool reaches Anthropic as sent; server_tool_use, its result and the cited text come back", async () => {
    const msg = await anthropic.messages.create({ model: "anthropic/claude-3-5-haiku-latest", max_tokens: 256, tools, messages: [{ role: "user", content: "Is it true?" }] });
    expect(mock.requests.at(-1)!.body.tools).toEqual(tools);
    expect(msg.content.map((b) => b.type)).toEqual(["server_tool_use", "web_search_tool_result", "text"]);
    expect(msg.content[0] as unknown).toEqual({ type: "server_tool_use", id: "srvtoolu_mock_1", name: "web_search", input: { query: "Is it true?" } });
    expect((msg.content[2] as Anthropic.TextBlock).citations![0]).toMatchObject({ type: "web_search_result_location", url: "https://example.com/mock" });
  });

  test("stream: the same blocks through the SDK's MessageStream", async () => {
    const msg = await anthropic.messages.stream({ model: "anthropic/claude-3-5-haiku-latest", max_tokens: 256, tools, messages: [{ role: "user", content: "Is it true?" }] }).finalMessage();
    expect(msg.content.map((b) => b.type)).toEqual(["server_tool_use", "web_search_tool_result", "text"]);
    expect(msg.content[0]).toMatchObject({ input: { query: "Is it true?" } });
    expect((msg.content[1] as any).content[0]).toMatchObject({ type: "web_search_result", url: "https://example.com/mock" });
  });

  test("a provider that cannot run it answers 400 naming the tool", async () => {
    const e = await anthropic.messages.create({ model: "gemini/gemini-2.0-flash", max_tokens: 64, tools, messages: [{ role: "user", content: "x" }] }).catch((e) => e);
    expect(e).toBeInstanceOf(Anthropic.BadRequestError);
    expect(e.message).toContain("web_search_20250305");
  });
});

describe("the next turn after web search gives the first answer back; pause_turn", () => {
  const tools: Anthropic.ToolUnion[] = [{ type: "web_search_20250305", name: "web_search", max_uses: 2 }];
  const question: Anthropic.MessageParam = { role: "user", content: "Is it true?" };
  const nextTurn = async (model: string, withTools: boolean) => {
    const first = await anthropic.messages.create({ model: "anthropic/claude-3-5-haiku-latest", max_tokens: 256, tools, messages: [question] });
    const messages: Anthropic.MessageParam[] = [question, { role: "assistant", content: first.content }, { role: "user", content: "and then?" }];
    const second = await anthropic.messages.create({ model, max_tokens: 256, messages, ...(withTools ? { tools } : {}) });
    return { first, second, sent: mock.requests.at(-1)!.body };
  };

  test("→ anthropic: 200, and Anthropic receives the server_tool_use, its result and the cited text intact", async () => {
    const { first, second, sent } = await nextTurn("anthropic/claude-3-5-haiku-latest", true);
    expect(second.type).toBe("message");
    expect(sent.messages[1]).toEqual({ role: "assistant", content: first.content });
    expect(sent.messages[1].content.map((b: any) => b.type)).toEqual(["server_tool_use", "web_search_tool_result", "text"]);
  });

  test("→ openai: 200, and the upstream sees the turn's text only", async () => {
    const { sent } = await nextTurn("openai/gpt-4o-mini", false);
    expect(sent.messages[1]).toEqual({ role: "assistant", content: "The web says yes" });
  });

  test("pause_turn reaches the SDK as pause_turn, and the paused turn goes back as it came", async () => {
    const paused = await anthropic.messages.create({ model: "anthropic/claude-3-5-haiku-latest", max_tokens: 256, tools, messages: [{ role: "user", content: "pause here" }] });
    expect(paused.stop_reason).toBe("pause_turn");
    const streamed = await anthropic.messages.stream({ model: "anthropic/claude-3-5-haiku-latest", max_tokens: 256, tools, messages: [{ role: "user", content: "pause here" }] }).finalMessage();
    expect(streamed.stop_reason).toBe("pause_turn");
    await anthropic.messages.create({ model: "anthropic/claude-3-5-haiku-latest", max_tokens: 256, tools, messages: [{ role: "user", content: "pause here" }, { role: "assistant", content: paused.content }] });
    expect(mock.requests.at(-1)!.body.messages[1].content).toEqual(paused.content);
  });

  test("openai SDK: pause_turn is finish_reason stop, with extra_fields.native_finish_reason", async () => {
    const res: any = await openai.chat.completions.create({ model: "anthropic/claude-3-5-haiku-latest", tools: tools as any, messages: [{ role: "user", content: "pause here" }] });
    expect(res.choices[0].finish_reason).toBe("stop");
    expect(res.extra_fields.native_finish_reason).toBe("pause_turn");
  });
});

describe("openai SDK: a PDF file part", () => {
  const content: OpenAI.ChatCompletionContentPart[] = [
    { type: "file", file: { file_data: `data:application/pdf;base64,${PDF}`, filename: "paper.pdf" } },
    { type: "text", text: "Summarise the paper" },
  ];
  const ask = (model: string) => openai.chat.completions.create({ model, messages: [{ role: "user", content }] });

  test("→ anthropic: a document block", async () => {
    await ask("anthropic/claude-3-5-haiku-latest");
    expect(mock.requests.at(-1)!.body.messages[0].content[0]).toEqual({ type: "document", source: { type: "base64", media_type: "application/pdf", data: PDF }, title: "paper.pdf" });
  });

  test("→ gemini: inline_data with application/pdf", async () => {
    await ask("gemini/gemini-2.0-flash");
    expect(mock.requests.at(-1)!.body.contents[0].parts[0]).toEqual({ inlineData: { mimeType: "application/pdf", data: PDF } });
  });

  test("→ bedrock: a Converse document block", async () => {
    await ask("bedrock/anthropic.claude-3-5-haiku-20241022-v1:0");
    expect(mock.requests.at(-1)!.body.messages[0].content[0]).toEqual({ document: { format: "pdf", name: "paper", source: { bytes: PDF } } });
  });

  test("→ cohere, which reads no PDFs: a 400 naming the part", async () => {
    const e = await ask("cohere/command-r-plus").catch((e) => e);
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
    expect(e.message).toContain("file");
  });
});

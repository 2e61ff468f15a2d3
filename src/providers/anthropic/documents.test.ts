import { describe, expect, test } from "bun:test";
import { fixtures } from "../../../tests/support/fixtures";
import { toChatRequest } from "../../dialects/anthropic/request";
import { validateChatRequest } from "../../schemas/requests";
import type { ChatRequest } from "../../schemas/chat";
import { toAnthropicRequest } from "./chat";
import type { ProviderTarget } from "../types";

const { fixtureJson } = fixtures(`${import.meta.dir}/__fixtures__`);
const target = { provider: "anthropic", model: "claude-sonnet-4-5", baseUrl: "https://api.anthropic.com", apiKey: "k" } as ProviderTarget;
const PDF = "data:application/pdf;base64,JVBERi0xLjQK";

describe("documents: Anthropic document blocks ↔ canonical file parts", () => {
  test("base64 PDF, plain-text and URL documents reach Anthropic exactly as the client sent them", () => {
    const wire = fixtureJson("documents-request.json");
    const canonical = toChatRequest(wire, {});
    expect(() => validateChatRequest(canonical)).not.toThrow();
    expect(toAnthropicRequest(canonical, target, false).messages).toEqual(wire.messages);
  });

  test("the canonical part is OpenAI's file part, with title, context and citations carried alongside", () => {
    const [pdf, text, url] = toChatRequest(fixtureJson("documents-request.json"), {}).messages[0]!.content as any[];
    expect(pdf).toEqual({
      type: "file",
      file: { file_data: expect.stringMatching(/^data:application\/pdf;base64,JVBERi0x/), filename: "Q3 report.pdf" },
      document: { context: "Internal, unaudited", citations: { enabled: true } },
      cache_control: { type: "ephemeral" },
    });
    expect(text.file.file_data).toBe(`data:text/plain;base64,${Buffer.from("The grass is green. The sky is blue. Ünïcödé ✓").toString("base64")}`);
    expect(url).toEqual({ type: "file", file: { file_url: expect.stringContaining("https://assets.anthropic.com/") } });
  });

  test("an OpenAI file part (PDF) becomes an Anthropic document block titled by its filename", () => {
    const req: ChatRequest = { model: "m", messages: [{ role: "user", content: [{ type: "file", file: { file_data: PDF, filename: "paper.pdf" } }, { type: "text", text: "Summarise" }] }] };
    expect(toAnthropicRequest(req, target, false).messages[0]!.content).toEqual([
      { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0xLjQK" }, title: "paper.pdf" },
      { type: "text", text: "Summarise" },
    ]);
  });

  test.each([
    [{ file_id: "file-abc" }, "messages[0].content[0].file"],
    [{ file_data: "data:image/png;base64,iVBO" }, "messages[0].content[0].file.file_data"],
    [{ file_data: "not a data url" }, "messages[0].content[0].file.file_data"],
  ])("a file part Anthropic cannot read (%j) is a 400 naming it", (file, param) => {
    const req: ChatRequest = { model: "m", messages: [{ role: "user", content: [{ type: "file", file }] }] };
    expect(() => toAnthropicRequest(req, target, false)).toThrow(expect.objectContaining({ status: 400, param }));
  });
});

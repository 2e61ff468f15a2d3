import { describe, expect, test } from "bun:test";
import { fixtures } from "../../../tests/support/fixtures";
import { toChatRequest } from "../../dialects/anthropic/request";
import type { ChatMessage } from "../../schemas/chat";
import { documentName } from "./documents";
import { toConverseMessages } from "./messages";

const anthropic = fixtures(`${import.meta.dir}/../anthropic/__fixtures__`);
const PDF = "JVBERi0xLjQK";
const user = (...content: any[]): ChatMessage[] => [{ role: "user", content }];

describe("documents → Converse document blocks", () => {
  test("an OpenAI file part (PDF) becomes {document:{format:pdf, name, source:{bytes}}}", () => {
    const r = toConverseMessages(user({ type: "file", file: { file_data: `data:application/pdf;base64,${PDF}`, filename: "paper.pdf" } }, { type: "text", text: "Summarise" }));
    expect(r.messages[0]!.content).toEqual([{ document: { format: "pdf", name: "paper", source: { bytes: PDF } } }, { text: "Summarise" }]);
  });

  test("Anthropic's document blocks keep context, citations and the cache mark (a cachePoint after)", () => {
    const wire = anthropic.fixtureJson("documents-request.json");
    wire.messages[0].content.splice(2, 1); // Converse cannot fetch the URL document
    const [pdf, cache, text] = toConverseMessages(toChatRequest(wire, {}).messages).messages[0]!.content as any[];
    expect(pdf.document).toEqual({ format: "pdf", name: "Q3 report", source: { bytes: wire.messages[0].content[0].source.data }, context: "Internal, unaudited", citations: { enabled: true } });
    expect(cache).toEqual({ cachePoint: { type: "default" } });
    expect(text.document).toMatchObject({ format: "txt", name: "My Document", citations: { enabled: true } });
    expect(Buffer.from(text.document.source.bytes, "base64").toString("utf8")).toBe("The grass is green. The sky is blue. Ünïcödé ✓");
  });

  test.each([
    [undefined, "document"],
    ["report.final.v2.pdf", "report-final-v2"],
    ["a  b\t\tc.txt", "a b c"],
    ["Budget (2025) [draft]_x.pdf", "Budget (2025) [draft]-x"],
    ["", "document"],
    ["...pdf", "-"],
    ["x".repeat(300), "x".repeat(200)],
  ])("name %j → %j (letters, digits, single spaces, hyphens, parentheses, brackets)", (filename, name) => {
    expect(documentName(filename)).toBe(name);
  });

  test.each([
    [{ file_url: "https://example.com/a.pdf" }, "messages[0].content[0].file"],
    [{ file_id: "file-abc" }, "messages[0].content[0].file"],
    [{ file_data: "data:image/png;base64,iVBO" }, "messages[0].content[0].file.file_data"],
  ])("a document Converse cannot take (%j) is a 400 naming it", (file, param) => {
    expect(() => toConverseMessages(user({ type: "file", file }))).toThrow(expect.objectContaining({ status: 400, param }));
  });
});

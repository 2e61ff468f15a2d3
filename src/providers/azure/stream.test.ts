import { describe, expect, test } from "bun:test";
import type { ChatChunk } from "../../schemas/chat";
import { createAzureStreamDecoder } from "./stream";
import { fixtureText, target } from "./__fixtures__";

function run(pieces: string[]): { chunks: ChatChunk[]; done: boolean } {
  const decoder = createAzureStreamDecoder(target());
  const chunks = pieces.flatMap((p) => decoder.push(p));
  chunks.push(...decoder.end());
  return { chunks, done: decoder.done };
}

describe("azure stream", () => {
  const transcript = fixtureText("stream.chunks.txt");

  test("the prompt_filter_results preamble (no choices, no usage) is dropped; content, finish and usage chunks stay", () => {
    const { chunks, done } = run([transcript]);
    expect(done).toBe(true);
    expect(chunks.every((c) => c.id === "chatcmpl-AzureStream7dQ9xLmN2pR4sT6")).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? null)).toEqual(["", "Hola", ", qué", " tal ☕", null, null]);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("stop");
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 });
  });

  test("the same chunks whatever the split, LF and CRLF", () => {
    const expected = run([transcript]).chunks;
    for (const text of [transcript, transcript.replace(/\n/g, "\r\n")]) {
      for (let i = 1; i < text.length; i++) expect(run([text.slice(0, i), text.slice(i)]).chunks).toEqual(expected);
    }
  });

  test("an in-stream error is raised as the upstream's error", () => {
    const error = 'data: {"error":{"code":"content_filter","message":"The response was filtered"}}\n\n';
    expect(() => run([error])).toThrow("The response was filtered");
  });
});

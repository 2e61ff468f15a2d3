import { describe, expect, test } from "bun:test";
import { createAnthropicStreamEncoder } from "../../dialects/anthropic/stream";
import { toAnthropicMessage } from "../../dialects/anthropic/response";
import { sseEvents } from "../../../tests/support/dialect-fixtures";
import { decodePieces, expectSameForEverySplit } from "../../../tests/support/stream-splits";
import { fromAnthropicResponse } from "./response";
import { createAnthropicStreamDecoder } from "./stream";
import { fixtureJson, fixtureText, now, target } from "./__fixtures__";

const recorded = fixtureJson("web-search-citations.json");

describe("citations and server-tool results (web search, documents)", () => {
  const canonical = fromAnthropicResponse(recorded, target(), now);
  const message = canonical.choices[0]!.message;

  test("the OpenAI answer has the text joined, citations as annotations over it, tool blocks kept in place", () => {
    expect(message.content).toBe(recorded.content.filter((b: any) => b.type === "text").map((b: any) => b.text).join(""));
    const shannon = message.annotations![0]!;
    expect(message.content!.slice(shannon.start_index, shannon.end_index)).toBe("Claude Shannon was born on April 30, 1916, in Petoskey, Michigan");
    expect(shannon.citation).toEqual(recorded.content[4].citations[0]);
    expect(message.annotations!.map((a) => a.citation.type)).toEqual(["web_search_result_location", "page_location", "char_location"]);
    expect(message.server_tool_blocks).toEqual([
      { at: 45, block: recorded.content[1] },
      { at: 45, block: recorded.content[2] },
    ]);
  });

  test("the Anthropic dialect gives the blocks back unchanged", () => {
    expect(toAnthropicMessage(canonical).content).toEqual(recorded.content);
  });

  const decode = (pieces: Iterable<string>) => decodePieces(createAnthropicStreamDecoder(target(), now), pieces);
  const whole = decode([fixtureText("web-search-citations.chunks.txt")]);

  test("stream: every split decodes alike; cited text comes whole with its citations, tool blocks whole with their input", () => {
    expect(whole.done).toBe(true);
    expectSameForEverySplit(fixtureText("web-search-citations.chunks.txt"), decode, whole.chunks, 100);
    const deltas = whole.chunks.map((c) => c.choices[0]!.delta);
    expect(deltas.find((d) => d.server_tool_blocks)!.server_tool_blocks).toEqual([{ block: recorded.content[1] }]);
    expect(deltas.find((d) => d.annotations)).toEqual({
      content: "Claude Shannon was born on April 30, 1916, in Petoskey, Michigan",
      annotations: [{ type: "citation", start_index: 0, end_index: 64, citation: recorded.content[4].citations[0] }],
    });
  });

  test("stream: the Anthropic dialect's events rebuild the recorded message, with citations_delta and server blocks", () => {
    const enc = createAnthropicStreamEncoder();
    const events = sseEvents([...whole.chunks.flatMap((c) => enc.chunk(c)), ...enc.end()]).map((e) => e.data);
    expect(events.some((e) => e.delta?.type === "citations_delta")).toBe(true);
    expect(accumulate(events)).toEqual(recorded.content);
  });
});

/** What the Anthropic SDKs' MessageStream builds from the events. */
function accumulate(events: any[]): any[] {
  const content: any[] = [];
  const json = new Map<number, string>();
  for (const e of events) {
    if (e.type === "content_block_start") content[e.index] = structuredClone(e.content_block);
    else if (e.type === "content_block_delta") {
      const b = content[e.index];
      if (e.delta.type === "text_delta") b.text += e.delta.text;
      else if (e.delta.type === "citations_delta") (b.citations ??= []).push(e.delta.citation);
      else if (e.delta.type === "input_json_delta") {
        json.set(e.index, (json.get(e.index) ?? "") + e.delta.partial_json);
        b.input = JSON.parse(json.get(e.index)!);
      }
    }
  }
  return content;
}


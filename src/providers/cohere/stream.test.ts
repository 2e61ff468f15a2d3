import { describe, expect, test } from "bun:test";
import type { ChatChunk } from "../../schemas/chat";
import { BifrostError } from "../../schemas/error";
import { createCohereStreamDecoder } from "./stream";
import { fixtureJson, fixtureText, now, NOW_MS, target } from "./__fixtures__";
import { decodePieces, expectSameForEverySplit as expectSameSplits, lines, splits, type DecodeRun } from "../../../tests/support/stream-splits";

const run = (pieces: Iterable<string>): DecodeRun => decodePieces(createCohereStreamDecoder(target(), now), pieces);

/** Asserts every split of the transcript yields exactly `expected` and then a clean end. */
const expectSameForEverySplit = (name: string, expected: ChatChunk[]) => expectSameSplits(fixtureText(name), run, expected, 1000);

const created = NOW_MS / 1000;
const make =
  (id: string) =>
  (delta: ChatChunk["choices"][0]["delta"], extra: Partial<ChatChunk> = {}, finish: ChatChunk["choices"][0]["finish_reason"] = null): ChatChunk => ({
    id,
    object: "chat.completion.chunk",
    created,
    model: "command-a-03-2025",
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  });

const usage = (prompt: number, completion: number, billed: [number, number], cached = 0) => ({
  usage: {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cached },
    billed_units: { input_tokens: billed[0], output_tokens: billed[1] },
  },
});

/** Tool-call argument deltas concatenated per tool index. */
function argumentsByIndex(chunks: ChatChunk[]): Map<number, string> {
  const args = new Map<number, string>();
  for (const c of chunks) for (const t of c.choices[0]!.delta.tool_calls ?? []) args.set(t.index, (args.get(t.index) ?? "") + (t.function?.arguments ?? ""));
  return args;
}

describe("text stream", () => {
  const c = make("e8f9afc1-0888-46f0-a9ed-eb0e5a51e17f");
  const expected = [
    c({ role: "assistant", content: "" }),
    ...["Bonjour", ", café", " ☕", " 🇫🇷!", "\nSecond line."].map((content) => c({ content })),
    c({}, usage(71, 12, [5, 12]), "stop"),
  ];

  test("message-start gives the role, content-delta the text, message-end finish_reason and usage", () => {
    expect(run([fixtureText("text.chunks.txt")])).toEqual({ chunks: expected, done: true });
  });

  test("yields the same chunks for every split, LF and CRLF, including mid-line, mid-\\r\\n and mid-character", () => {
    expectSameForEverySplit("text.chunks.txt", expected);
  });
});

describe("tool call stream", () => {
  const c = make("fba98ad3-e5a1-413c-a8de-84fbf9baabf7");
  const plan = ["I", " will", " search", " for", " the", " weather", " in", " Toronto", "."];
  const args = ['{\n    "', "location", '":', ' "', "Toronto", '"', "\n", "}"];
  const expected = [
    c({ role: "assistant", content: "" }),
    ...plan.map((content) => c({ content })),
    c({ tool_calls: [{ index: 0, id: "get_weather_1byjy32y4hvq", type: "function", function: { name: "get_weather", arguments: "" } }] }),
    ...args.map((a) => c({ tool_calls: [{ index: 0, function: { arguments: a } }] })),
    c({}, usage(913, 83, [37, 28]), "tool_calls"),
  ];

  test("tool-plan-delta streams as content, tool-call-start/delta as an OpenAI tool call, TOOL_CALL as tool_calls", () => {
    expect(run([fixtureText("tool-call.chunks.txt")]).chunks).toEqual(expected);
  });

  test("concatenated argument deltas parse as the non-stream response's arguments", () => {
    const parsed = JSON.parse(argumentsByIndex(run(lines(fixtureText("tool-call.chunks.txt"))).chunks).get(0)!);
    expect(parsed).toEqual(JSON.parse(fixtureJson("tool-call.json").message.tool_calls[0].function.arguments));
  });

  test("the [DONE] sentinel after message-end is accepted", () => {
    expect(fixtureText("tool-call.chunks.txt")).toEndWith("data: [DONE]\n\n");
    expect(run([fixtureText("tool-call.chunks.txt")]).done).toBe(true);
  });

  test("yields the same chunks for every split", () => {
    expectSameForEverySplit("tool-call.chunks.txt", expected);
  });
});

describe("parallel tool calls stream", () => {
  const transcript = fixtureText("parallel-tool-calls.chunks.txt");

  test("tool calls get indexes 0 and 1 with their ids and names", () => {
    const starts = run([transcript]).chunks.flatMap((c) => c.choices[0]!.delta.tool_calls ?? []).filter((t) => t.id);
    expect(starts).toEqual([
      { index: 0, id: "get_weather_p1t92w7gfgq7", type: "function", function: { name: "get_weather", arguments: "" } },
      { index: 1, id: "get_weather_ay6nmvjgp9vn", type: "function", function: { name: "get_weather", arguments: "" } },
    ]);
  });

  test("each call's arguments arrive whole and separate", () => {
    const args = argumentsByIndex(run([transcript]).chunks);
    expect([JSON.parse(args.get(0)!), JSON.parse(args.get(1)!)]).toEqual([{ location: "Madrid" }, { location: "Brasilia" }]);
  });

  test("yields the same chunks for every split", () => {
    expectSameForEverySplit("parallel-tool-calls.chunks.txt", run([transcript]).chunks);
  });
});

describe("deltas without an index", () => {
  test("argument deltas belong to the last started call (some deployments omit index)", () => {
    const wire = [
      'event: message-start\ndata: {"type":"message-start","id":"m1"}\n\n',
      'event: tool-call-start\ndata: {"type":"tool-call-start","delta":{"message":{"tool_calls":{"id":"a","type":"function","function":{"name":"f","arguments":""}}}}}\n\n',
      'event: tool-call-delta\ndata: {"type":"tool-call-delta","delta":{"message":{"tool_calls":{"function":{"arguments":"{}"}}}}}\n\n',
      'event: tool-call-end\ndata: {"type":"tool-call-end"}\n\n',
      'event: tool-call-start\ndata: {"type":"tool-call-start","delta":{"message":{"tool_calls":{"id":"b","type":"function","function":{"name":"g","arguments":"{\\"x\\":1}"}}}}}\n\n',
      'event: message-end\ndata: {"type":"message-end","delta":{"finish_reason":"COMPLETE"}}\n\n',
    ];
    const r = run(wire);
    expect(argumentsByIndex(r.chunks)).toEqual(new Map([[0, "{}"], [1, '{"x":1}']]));
    // Cohere may finish a tool-calling turn with COMPLETE; clients loop on tool_calls.
    expect(r.chunks.at(-1)!.choices[0]!.finish_reason).toBe("tool_calls");
    expect(r.chunks.at(-1)!.usage).toBeUndefined();
  });
});

describe("thinking stream", () => {
  const c = make("3d8a1e7c-4c59-4b0e-9a43-0c2b7f6e5d21");
  const expected = [
    c({ role: "assistant", content: "" }),
    ...["27 * 453", " = 10800 + 1431", " = 12231."].map((reasoning) => c({ reasoning })),
    ...["27 × 453", " = **12,231**."].map((content) => c({ content })),
    c({}, usage(20, 41, [20, 41]), "stop"),
  ];

  test("thinking content deltas become reasoning, text deltas content", () => {
    expect(run([fixtureText("thinking.chunks.txt")]).chunks).toEqual(expected);
  });

  test("yields the same chunks for every split", () => {
    expectSameForEverySplit("thinking.chunks.txt", expected);
  });
});

describe("citations and cached tokens", () => {
  test("citation events add nothing; cached_tokens reach prompt_tokens_details", () => {
    const chunks = run([fixtureText("citations.chunks.txt")]).chunks;
    expect(chunks.map((c) => c.choices[0]!.delta.content ?? null).join("")).toBe("It is currently 24°C in Madrid.");
    expect(chunks.at(-1)!.usage).toEqual(usage(1204, 9, [62, 9], 1024).usage);
  });
});

describe("errors", () => {
  test("message-end with ERROR: the text so far goes out, then a 502 with Cohere's message", () => {
    const r = run([fixtureText("error.chunks.txt")]);
    expect(r.chunks.map((c) => c.choices[0]!.delta.content)).toEqual(["", "Partial", " answer"]);
    expect(r.error).toBeInstanceOf(BifrostError);
    expect(r.error).toMatchObject({ status: 502, type: "upstream_error", message: "internal server error, this has been reported to our developers", isBifrostError: false });
  });

  test("the error is raised on the next call when it arrives with chunks in the same push", () => {
    const decoder = createCohereStreamDecoder(target(), now);
    expect(decoder.push(fixtureText("error.chunks.txt")).length).toBe(3);
    expect(() => decoder.end()).toThrow("internal server error");
  });

  test("message-end with TIMEOUT is a 504", () => {
    const r = run(['event: message-end\ndata: {"type":"message-end","delta":{"finish_reason":"TIMEOUT"}}\n\n']);
    expect(r.error).toMatchObject({ status: 504, type: "timeout_error" });
  });

  test("a stream closed before message-end is a 502, after delivering what came", () => {
    const r = run([fixtureText("truncated.chunks.txt")]);
    expect(r.chunks.map((c) => c.choices[0]!.delta.content)).toEqual(["", "Cut"]);
    expect(r.error).toMatchObject({ status: 502, message: "upstream stream ended before message-end" });
    expect(r.done).toBe(false);
  });

  test("an error body in the stream ends it with its message", () => {
    const r = run(['data: {"message":"too many tokens"}\n\n']);
    expect(r.error).toMatchObject({ status: 502, message: "too many tokens" });
  });

  test("malformed JSON is a 502 malformed-event error", () => {
    expect(run(["event: content-delta\ndata: {nope\n\n"]).error).toMatchObject({ status: 502, message: "upstream sent a malformed stream event" });
  });

  test("events after message-end are ignored", () => {
    const tail = 'event: content-delta\ndata: {"type":"content-delta","delta":{"message":{"content":{"text":"late"}}}}\n\n';
    const r = run([fixtureText("text.chunks.txt") + tail]);
    expect(r.chunks.some((c) => c.choices[0]!.delta.content === "late")).toBe(false);
  });
});

import { describe, expect, test } from "bun:test";
import { mediaTypeOf, toOutputFormat } from "./formats";

describe("response_format → output_format", () => {
  test.each([
    [undefined, "mp3_44100_128"],
    ["mp3", "mp3_44100_128"],
    ["opus", "opus_48000_128"],
    ["pcm", "pcm_24000"],
  ])("%p → %p", (format, expected) => {
    expect(toOutputFormat(format, undefined)).toBe(expected);
  });

  test.each(["wav", "aac", "flac"])("%s has no ElevenLabs equivalent: a 400 naming response_format", (format) => {
    expect(() => toOutputFormat(format, undefined)).toThrow(`response_format "${format}" is not supported by elevenlabs (use mp3, opus or pcm)`);
  });

  test("a native output_format wins over response_format", () => {
    expect(toOutputFormat("mp3", "ulaw_8000")).toBe("ulaw_8000");
    expect(toOutputFormat(undefined, "mp3_22050_32")).toBe("mp3_22050_32");
  });

  test("a malformed native output_format is a 400, never sent into the query string", () => {
    expect(() => toOutputFormat(undefined, "mp3&x=1")).toThrow('output_format "mp3&x=1" is not an ElevenLabs output format');
  });
});

test.each([
  ["mp3_44100_128", "audio/mpeg"],
  ["opus_48000_64", "audio/ogg"],
  ["pcm_24000", "audio/pcm"],
  ["ulaw_8000", "audio/basic"],
])("%s is %s", (format, type) => {
  expect(mediaTypeOf(format)).toBe(type);
});

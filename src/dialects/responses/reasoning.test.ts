import { describe, expect, test } from "bun:test";
import { packReasoning, unpackReasoning } from "./reasoning";

describe("reasoning details in encrypted_content", () => {
  test("signed and redacted details round-trip", () => {
    const details = [
      { type: "reasoning.text", text: "ü ☀ thinking", signature: "sig" },
      { type: "reasoning.encrypted", data: "opaque" },
    ];
    expect(unpackReasoning(packReasoning(details))).toEqual(details);
  });

  test("unsigned text is not packed: nothing needs to travel back", () => {
    expect(packReasoning([{ type: "reasoning.text", text: "plain" }])).toBeUndefined();
  });

  test("foreign or corrupt encrypted_content yields nothing", () => {
    expect(unpackReasoning("gAAAAABopaque")).toEqual([]);
    expect(unpackReasoning("bifrost.rd.v1:%%%")).toEqual([]);
    expect(unpackReasoning(undefined)).toEqual([]);
  });
});

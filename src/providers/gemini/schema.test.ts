import { describe, expect, test } from "bun:test";
import { toGeminiSchema } from "./schema";

describe("toGeminiSchema", () => {
  test("keeps what Gemini accepts and drops $schema, additionalProperties, strict, examples and friends", () => {
    expect(
      toGeminiSchema({
        $schema: "http://json-schema.org/draft-07/schema#",
        type: "object",
        title: "Args",
        additionalProperties: false,
        strict: true,
        properties: {
          city: { type: "string", description: "City name", minLength: 1, examples: ["Paris"], "x-foo": 1 },
          days: { type: "integer", minimum: 1, maximum: 14, exclusiveMaximum: 15, default: 3 },
          tags: { type: "array", items: { type: "string", additionalProperties: false }, maxItems: 5, uniqueItems: true },
        },
        required: ["city"],
      }),
    ).toEqual({
      type: "object",
      title: "Args",
      properties: {
        city: { type: "string", description: "City name", minLength: 1 },
        days: { type: "integer", minimum: 1, maximum: 14, default: 3 },
        tags: { type: "array", items: { type: "string" }, maxItems: 5 },
      },
      required: ["city"],
    });
  });

  test("type [T, 'null'] → type T, nullable; anyOf with null → nullable", () => {
    expect(toGeminiSchema({ type: ["string", "null"] })).toEqual({ type: "string", nullable: true });
    expect(toGeminiSchema({ anyOf: [{ type: "number" }, { type: "null" }], description: "d" })).toEqual({ description: "d", nullable: true, type: "number" });
  });

  test("several types and oneOf become anyOf", () => {
    expect(toGeminiSchema({ type: ["string", "number"] })).toEqual({ anyOf: [{ type: "string" }, { type: "number" }] });
    expect(toGeminiSchema({ oneOf: [{ type: "string" }, { type: "integer" }] })).toEqual({ anyOf: [{ type: "string" }, { type: "integer" }] });
  });

  test("$ref to $defs and definitions is inlined; a recursive $ref stops instead of looping", () => {
    const s = toGeminiSchema({
      type: "object",
      properties: { a: { $ref: "#/$defs/Point" }, b: { $ref: "#/definitions/Name", description: "b" } },
      $defs: { Point: { type: "object", properties: { x: { type: "number" } }, additionalProperties: false } },
      definitions: { Name: { type: "string" } },
    });
    expect(s).toEqual({ type: "object", properties: { a: { type: "object", properties: { x: { type: "number" } } }, b: { type: "string", description: "b" } } });
    const recursive = toGeminiSchema({ type: "object", properties: { next: { $ref: "#/$defs/Node" } }, $defs: { Node: { type: "object", properties: { next: { $ref: "#/$defs/Node" } } } } });
    expect(JSON.stringify(recursive).length).toBeLessThan(10_000);
  });

  test("allOf merges into one schema", () => {
    expect(toGeminiSchema({ allOf: [{ type: "object", properties: { a: { type: "string" } }, required: ["a"] }, { properties: { b: { type: "number" } } }] })).toEqual({
      type: "object",
      properties: { a: { type: "string" }, b: { type: "number" } },
      required: ["a"],
    });
  });

  test("const → enum; non-string enums and unsupported formats are dropped", () => {
    expect(toGeminiSchema({ type: "string", const: "x" })).toEqual({ type: "string", enum: ["x"] });
    expect(toGeminiSchema({ type: "integer", enum: [1, 2] })).toEqual({ type: "integer" });
    expect(toGeminiSchema({ type: "string", format: "uri" })).toEqual({ type: "string" });
    expect(toGeminiSchema({ type: "string", format: "date-time" })).toEqual({ type: "string", format: "date-time" });
  });

  test("empty properties are dropped; required keeps only declared properties", () => {
    expect(toGeminiSchema({ type: "object", properties: {}, required: [] })).toEqual({ type: "object" });
    expect(toGeminiSchema({ type: "object", properties: { a: { type: "string" } }, required: ["a", "ghost"] })).toEqual({
      type: "object",
      properties: { a: { type: "string" } },
      required: ["a"],
    });
  });

  test("not an object → {}", () => {
    expect(toGeminiSchema(undefined)).toEqual({});
    expect(toGeminiSchema("x")).toEqual({});
  });
});

/** The Logs page's filters: the hash query they live in, the API parameters they become, and how a live row is matched. */
import { describe, expect, test } from "bun:test";
import { apiParams, filterQuery, filtersFrom, matches } from "../../ui/src/pages/logs/filters";
import type { LogEntry } from "../../ui/src/pages/logs/types";

const NOW = Date.parse("2026-03-01T12:00:00Z");
const entry = (over: Partial<LogEntry> = {}): LogEntry => ({
  id: "r1",
  timestamp: new Date(NOW - 60_000).toISOString(),
  object: "chat_completion",
  provider: "openai",
  model: "gpt-4o-mini",
  status: "success",
  stream: false,
  latency: 12,
  number_of_retries: 0,
  fallback_index: 0,
  content_hidden: false,
  input_history: [{ role: "user", content: "Where do Penguins live?" }],
  output_message: { role: "assistant", content: "In Antarctica" },
  ...over,
});
const f = (hashQuery: string) => filtersFrom(new URLSearchParams(hashQuery));

describe("logs page filters", () => {
  test("the hash query round-trips in a fixed order; a period drops a custom window", () => {
    expect(filterQuery(f("status=error&providers=openai,anthropic"))).toBe("?providers=openai%2Canthropic&status=error");
    expect(filterQuery(f("period=1h&start_time=2026-01-01T00:00:00Z"))).toBe("?period=1h");
    expect(filterQuery(f(""))).toBe("");
  });

  test("API parameters use Go's names; a period becomes a start time relative to now", () => {
    expect(apiParams(f("virtual_key_ids=vk-1&content_search=x&period=15m"), NOW)).toMatchObject({
      virtual_key_ids: ["vk-1"],
      content_search: "x",
      start_time: new Date(NOW - 15 * 60_000).toISOString(),
      end_time: undefined,
    });
  });

  test("a live row matches as the API would: lists, virtual key, time window, text in input, output and error", () => {
    expect(matches(entry(), f("status=success&providers=openai"), NOW)).toBe(true);
    expect(matches(entry(), f("status=error"), NOW)).toBe(false);
    expect(matches(entry({ virtual_key_id: "vk-1" }), f("virtual_key_ids=vk-1,vk-2"), NOW)).toBe(true);
    expect(matches(entry(), f("virtual_key_ids=vk-1"), NOW)).toBe(false);
    expect(matches(entry(), f("period=15m"), NOW)).toBe(true);
    expect(matches(entry({ timestamp: new Date(NOW - 3_600_000).toISOString() }), f("period=15m"), NOW)).toBe(false);
    expect(matches(entry(), f(`end_time=${new Date(NOW - 120_000).toISOString()}`), NOW)).toBe(false);
    expect(matches(entry(), f("content_search=ANTARCTICA"), NOW)).toBe(true);
    // JSON keys are not text: "role" is in every message but searches find none.
    expect(matches(entry(), f("content_search=role"), NOW)).toBe(false);
    const hidden = entry({ content_hidden: true, input_history: undefined, output_message: undefined, error_details: { error: { message: "quota exceeded" } } });
    expect(matches(hidden, f("content_search=quota"), NOW)).toBe(true);
    expect(matches(hidden, f("content_search=penguins"), NOW)).toBe(false);
  });
});

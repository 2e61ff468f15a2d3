/** The Anthropic surface's translations: create bodies → OpenAI lines, output lines → result lines, records → MessageBatch, paging. */
import { describe, expect, test } from "bun:test";
import { BifrostError } from "../schemas/error";
import { anthropicPage, mimeTypeOf, pageLimit, toAnthropicFile, toAnthropicResultLine, toBatchInputLines, toMessageBatch } from "./anthropic-surface";
import type { BatchOutputLine, BatchRecord } from "./types";

const T0 = Date.parse("2026-03-01T10:00:00Z");

function rec(over: Partial<BatchRecord>): BatchRecord {
  return {
    id: "batch_abc",
    owner: null,
    provider: "anthropic",
    endpoint: "/v1/chat/completions",
    inputFileId: "file-in",
    completionWindow: "24h",
    metadata: null,
    status: "in_progress",
    mode: "native",
    upstreamId: "msgbatch_1",
    upstreamState: null,
    counts: { total: 5, completed: 2, failed: 1 },
    outputFileId: null,
    errorFileId: null,
    errors: null,
    cost: null,
    createdAt: T0,
    inProgressAt: T0,
    finalizingAt: null,
    completedAt: null,
    failedAt: null,
    expiredAt: null,
    cancellingAt: null,
    cancelledAt: null,
    expiresAt: null,
    ...over,
  };
}

function thrown(f: () => unknown): BifrostError {
  try {
    f();
  } catch (e) {
    return e as BifrostError;
  }
  throw new Error("expected a throw");
}

describe("toBatchInputLines", () => {
  test("each params becomes an OpenAI chat line through the Anthropic dialect", () => {
    const lines = toBatchInputLines({
      requests: [
        {
          custom_id: "q-1",
          params: {
            model: "anthropic/claude-sonnet-4-5",
            max_tokens: 100,
            system: "Be brief.",
            stop_sequences: ["END"],
            temperature: 0.2,
            messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
            tools: [{ name: "lookup", input_schema: { type: "object", properties: { q: { type: "string" } } } }],
            tool_choice: { type: "any" },
          },
        },
      ],
    });
    expect(lines).toEqual([
      {
        custom_id: "q-1",
        method: "POST",
        url: "/v1/chat/completions",
        body: {
          model: "anthropic/claude-sonnet-4-5",
          max_tokens: 100,
          stop: ["END"],
          temperature: 0.2,
          messages: [
            { role: "system", content: "Be brief." },
            { role: "user", content: "hi" },
          ],
          tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } } } } }],
          tool_choice: "required",
        },
      },
    ] as any);
  });

  test("refusals name the request as Anthropic does", () => {
    const ok = { model: "m", max_tokens: 1, messages: [{ role: "user", content: "x" }] };
    expect(thrown(() => toBatchInputLines(null)).message).toBe("request body must be a JSON object");
    expect(thrown(() => toBatchInputLines({})).message).toBe("requests: field required");
    expect(thrown(() => toBatchInputLines({ requests: [] })).message).toBe("requests: must have at least 1 item");
    expect(thrown(() => toBatchInputLines({ requests: [{ custom_id: "has space", params: ok }] })).message).toBe("requests.0.custom_id: must be 1-64 letters, digits, '_' or '-'");
    expect(thrown(() => toBatchInputLines({ requests: [{ custom_id: "x".repeat(65), params: ok }] })).param).toBe("requests.0.custom_id");
    const e = thrown(() => toBatchInputLines({ requests: [{ custom_id: "a", params: ok }, { custom_id: "b", params: { ...ok, max_tokens: undefined } }] }));
    expect(e).toMatchObject({ status: 400, message: "requests.1.params: max_tokens: field required", param: "requests.1.params.max_tokens" });
    expect(thrown(() => toBatchInputLines({ requests: [{ custom_id: "a", params: { ...ok, stream: true } }] })).message).toBe("requests.0.params.stream: batch requests cannot stream");
  });
});

describe("toAnthropicResultLine", () => {
  const completion = {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1,
    model: "gpt-4o-mini",
    choices: [{ index: 0, message: { role: "assistant", content: "Hello", tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: '{"a":1}' } }] }, finish_reason: "tool_calls" }],
    usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
  };
  const line = (over: Partial<BatchOutputLine>): BatchOutputLine => ({ id: "batch_req_1", custom_id: "c1", response: null, error: null, ...over });

  test("a 200 is a succeeded message rendered as /anthropic/v1/messages renders it", () => {
    expect(toAnthropicResultLine(line({ response: { status_code: 200, request_id: "req_1", body: completion } }))).toEqual({
      custom_id: "c1",
      result: {
        type: "succeeded",
        message: {
          id: "msg_chatcmpl-1",
          type: "message",
          role: "assistant",
          model: "gpt-4o-mini",
          content: [
            { type: "text", text: "Hello" },
            { type: "tool_use", id: "call_1", name: "f", input: { a: 1 } },
          ],
          stop_reason: "tool_use",
          stop_sequence: null,
          usage: expect.objectContaining({ input_tokens: 7, output_tokens: 3 }),
        },
      },
    } as any);
  });

  test("another status is errored with the provider's message and Anthropic's error type for that status", () => {
    const res = { status_code: 429, request_id: "req_9", body: { error: { message: "slow down", type: "rate_limit_error" } } };
    expect(toAnthropicResultLine(line({ response: res }))).toEqual({
      custom_id: "c1",
      result: { type: "errored", error: { type: "error", error: { type: "rate_limit_error", message: "slow down" }, request_id: "req_9" } },
    });
    expect(toAnthropicResultLine(line({ response: { status_code: 500, request_id: "", body: null } })).result).toEqual({
      type: "errored",
      error: { type: "error", error: { type: "api_error", message: "the request failed with status 500" }, request_id: null },
    });
  });

  test("batch_cancelled and batch_expired errors are canceled and expired; other errors errored", () => {
    expect(toAnthropicResultLine(line({ error: { code: "batch_cancelled", message: "x" } })).result).toEqual({ type: "canceled" });
    expect(toAnthropicResultLine(line({ error: { code: "batch_expired", message: "x" } })).result).toEqual({ type: "expired" });
    expect(toAnthropicResultLine(line({ error: { code: "invalid_request", message: "bad line" } })).result).toMatchObject({ type: "errored", error: { error: { type: "invalid_request_error", message: "bad line" } } });
    expect(toAnthropicResultLine(line({ error: { code: "upstream_unreachable", message: "gone" } })).result).toMatchObject({ type: "errored", error: { error: { type: "api_error", message: "gone" } } });
  });
});

describe("toMessageBatch", () => {
  const base = "https://gw.example/anthropic/v1/messages/batches";

  test("in progress: the rest is processing, no results_url", () => {
    expect(toMessageBatch(rec({}), base)).toEqual({
      id: "batch_abc",
      type: "message_batch",
      processing_status: "in_progress",
      request_counts: { processing: 2, succeeded: 2, errored: 1, canceled: 0, expired: 0 },
      ended_at: null,
      created_at: "2026-03-01T10:00:00.000Z",
      expires_at: "2026-03-02T10:00:00.000Z",
      archived_at: null,
      cancel_initiated_at: null,
      results_url: null,
    });
    expect(toMessageBatch(rec({ status: "validating" }), base).processing_status).toBe("in_progress");
    expect(toMessageBatch(rec({ status: "finalizing" }), base).processing_status).toBe("in_progress");
  });

  test("cancelling, then cancelled: what never ran is canceled; results at the gateway", () => {
    const at = T0 + 60_000;
    expect(toMessageBatch(rec({ status: "cancelling", cancellingAt: at }), base)).toMatchObject({ processing_status: "canceling", cancel_initiated_at: "2026-03-01T10:01:00.000Z", results_url: null });
    const done = toMessageBatch(rec({ status: "cancelled", cancellingAt: at, cancelledAt: at + 1000 }), base);
    expect(done).toMatchObject({
      processing_status: "ended",
      request_counts: { processing: 0, succeeded: 2, errored: 1, canceled: 2, expired: 0 },
      ended_at: "2026-03-01T10:01:01.000Z",
      results_url: "https://gw.example/anthropic/v1/messages/batches/batch_abc/results",
    });
  });

  test("expired: the rest expired; completed and failed: the rest errored", () => {
    expect(toMessageBatch(rec({ status: "expired", expiredAt: T0 }), base).request_counts).toEqual({ processing: 0, succeeded: 2, errored: 1, canceled: 0, expired: 2 });
    expect(toMessageBatch(rec({ status: "completed", completedAt: T0, counts: { total: 3, completed: 2, failed: 1 } }), base).request_counts).toEqual({ processing: 0, succeeded: 2, errored: 1, canceled: 0, expired: 0 });
    expect(toMessageBatch(rec({ status: "failed", failedAt: T0, counts: { total: 4, completed: 0, failed: 0 } }), base).request_counts.errored).toBe(4);
  });
});

describe("files and paging", () => {
  test("a file record as Anthropic's file object", () => {
    const meta = { id: "file-x", owner: null, provider: "anthropic", filename: "in.jsonl", purpose: "batch", bytes: 12, createdAt: T0, expiresAt: null, generated: false };
    expect(toAnthropicFile(meta)).toEqual({ id: "file-x", type: "file", filename: "in.jsonl", mime_type: "application/jsonl", size_bytes: 12, created_at: "2026-03-01T10:00:00.000Z", expires_at: null, downloadable: true });
    expect(mimeTypeOf("Report.PDF")).toBe("application/pdf");
    expect(mimeTypeOf("noext")).toBe("application/octet-stream");
  });

  test("pages over a forward-only store: after_id, before_id, has_more", async () => {
    const items = Array.from({ length: 250 }, (_, i) => ({ id: `i${249 - i}` }));
    const fetch = async (after: string | undefined, limit: number) => {
      const start = after ? items.findIndex((x) => x.id === after) + 1 : 0;
      return items.slice(start, start + limit);
    };
    expect(await anthropicPage(fetch, { limit: 2 })).toEqual({ data: [{ id: "i249" }, { id: "i248" }], has_more: true, first_id: "i249", last_id: "i248" });
    expect(await anthropicPage(fetch, { after_id: "i1", limit: 5 })).toEqual({ data: [{ id: "i0" }], has_more: false, first_id: "i0", last_id: "i0" });
    // before_id across the store's 100-item pages
    expect(await anthropicPage(fetch, { before_id: "i10", limit: 3 })).toEqual({ data: [{ id: "i13" }, { id: "i12" }, { id: "i11" }], has_more: true, first_id: "i13", last_id: "i11" });
    expect(await anthropicPage(fetch, { before_id: "i248", limit: 3 })).toEqual({ data: [{ id: "i249" }], has_more: false, first_id: "i249", last_id: "i249" });
    expect((await anthropicPage(fetch, { before_id: "nope", limit: 3 })).data).toEqual([]);
  });

  test("limit: 1 to 1000, default 20", () => {
    expect(pageLimit(null)).toBe(20);
    expect(pageLimit("1000")).toBe(1000);
    expect(thrown(() => pageLimit("0")).message).toBe("limit: must be an integer from 1 to 1000");
    expect(thrown(() => pageLimit("abc")).status).toBe(400);
  });
});

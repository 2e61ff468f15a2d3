import { describe, expect, test } from "bun:test";
import { BifrostError } from "../schemas/error";
import {
  fileIdOf,
  fileLineToLine,
  genaiState,
  grpcCodeOf,
  grpcCodeOfHttp,
  inlineItemToLine,
  inlineItemsToLines,
  outputLineResult,
  responsesBatchId,
  toGenaiFile,
  toGenaiOperation,
  toInlinedResponse,
  toResponsesFile,
  toResponsesFileLine,
  UNKEYED_PREFIX,
} from "./genai-shapes";
import type { BatchOutputLine, BatchRecord, FileMeta } from "./types";
import { batchRecord } from "../../tests/support/batch-doubles/batch-record";

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5);

function record(over: Partial<BatchRecord> = {}): BatchRecord {
  return batchRecord({
    id: "batch_abc", provider: "gemini", inputFileId: "file-in",
    metadata: { genai_source: "inline", genai_model: "gemini-2.5-flash", genai_display_name: "nightly" }, status: "in_progress",
    counts: { total: 3, completed: 1, failed: 0 }, createdAt: T0, inProgressAt: T0 + 1000,
    ...over,
  });
}

function ok(customId: string, content = "hi there"): BatchOutputLine {
  return {
    id: "batch_req_1", custom_id: customId, error: null,
    response: {
      status_code: 200, request_id: "req_1",
      body: {
        id: "chatcmpl-1", object: "chat.completion", created: 1, model: "gemini-2.5-flash",
        choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "length" }],
        usage: { prompt_tokens: 4, completion_tokens: 7, total_tokens: 11, completion_tokens_details: { reasoning_tokens: 2 } },
      },
    },
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

describe("GenerateContentRequests → OpenAI lines", () => {
  test("an inline item: contents, system instruction, config and tools in either spelling; the key becomes custom_id", () => {
    const line = inlineItemToLine(
      {
        request: {
          contents: [{ role: "user", parts: [{ text: "What is 2+2?" }] }],
          system_instruction: { parts: [{ text: "answer in digits" }] },
          generation_config: { temperature: 0, maxOutputTokens: 5, stopSequences: ["\n"] },
          tools: [{ functionDeclarations: [{ name: "calc", description: "math", parameters: { type: "OBJECT", properties: { x: { type: "STRING" } } } }] }],
          toolConfig: { functionCallingConfig: { mode: "ANY" } },
        },
        metadata: { key: "q-1" },
      },
      0,
      "gemini-2.5-flash",
    );
    expect(line).toMatchObject({
      custom_id: "q-1",
      method: "POST",
      url: "/v1/chat/completions",
      body: {
        model: "gemini-2.5-flash",
        messages: [{ role: "system", content: "answer in digits" }, { role: "user", content: "What is 2+2?" }],
        temperature: 0,
        max_tokens: 5,
        stop: ["\n"],
        tools: [{ type: "function", function: { name: "calc", description: "math" } }],
        tool_choice: "required",
      },
    });
  });

  test("a request's own model wins over the batch's; no key gives a private custom_id", () => {
    const line = inlineItemToLine({ request: { model: "models/gemini-2.0-flash", contents: [{ parts: [{ text: "x" }] }] } }, 4, "gemini-2.5-flash");
    expect(line.custom_id).toBe(`${UNKEYED_PREFIX}4`);
    expect(line.body.model).toBe("gemini-2.0-flash");
  });

  test("bad items are refused naming the item; duplicate keys are refused", () => {
    expect(thrown(() => inlineItemToLine({ metadata: { key: "a" } }, 2, "m")).message).toBe("requests[2]: request is required");
    const e = thrown(() => inlineItemToLine({ request: { contents: "text" } }, 1, "m"));
    expect(e.status).toBe(400);
    expect(e.message).toStartWith("requests[1]: contents must be an array");
    const dup = thrown(() => inlineItemsToLines([{ request: { contents: [{ parts: [{ text: "a" }] }] }, metadata: { key: "k" } }, { request: { contents: [{ parts: [{ text: "b" }] }] }, metadata: { key: "k" } }], "m"));
    expect(dup.message).toContain('metadata.key "k" is used twice');
    expect(thrown(() => inlineItemsToLines([], "m")).message).toBe("the batch has no requests");
  });

  test("a file line: Gemini's {key, request}, or an OpenAI line passed on", () => {
    expect(fileLineToLine({ key: "k7", request: { contents: [{ parts: [{ text: "hey" }] }] } }, 1, "gemini-2.5-flash")).toEqual({
      custom_id: "k7", method: "POST", url: "/v1/chat/completions", body: { model: "gemini-2.5-flash", messages: [{ role: "user", content: "hey" }] },
    });
    const openai = { custom_id: "o1", method: "POST", url: "/v1/chat/completions", body: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] } };
    expect(fileLineToLine(openai, 2, "gemini-2.5-flash")).toEqual(openai as any);
    expect(fileLineToLine({ request: { contents: [{ parts: [{ text: "a" }] }] } }, 3, "m").custom_id).toBe(`${UNKEYED_PREFIX}2`);
    expect(thrown(() => fileLineToLine({ key: "x" }, 5, "m")).message).toStartWith("input file line 5: request is required");
  });
});

describe("results → Gemini", () => {
  test("a chat completion becomes a GenerateContentResponse with usageMetadata", () => {
    expect(outputLineResult(ok("a"))).toEqual({
      response: {
        candidates: [{ content: { role: "model", parts: [{ text: "hi there" }] }, finishReason: "MAX_TOKENS", index: 0 }],
        usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 5, totalTokenCount: 11, thoughtsTokenCount: 2 },
        modelVersion: "gemini-2.5-flash",
        responseId: "chatcmpl-1",
      },
    });
  });

  test("errors become google.rpc.Status with a code Google would use", () => {
    const err = (code: string): BatchOutputLine => ({ id: "x", custom_id: "c", response: null, error: { code, message: "m" } });
    expect(outputLineResult(err("invalid_argument"))).toEqual({ error: { code: 3, message: "m" } });
    expect(grpcCodeOf("batch_cancelled")).toBe(1);
    expect(grpcCodeOf("batch_expired")).toBe(4);
    expect(grpcCodeOf("rate_limit_exceeded")).toBe(8);
    expect(grpcCodeOf("RESOURCE_EXHAUSTED")).toBe(8);
    expect(grpcCodeOf("something_else")).toBe(2);
    expect(grpcCodeOfHttp(429)).toBe(8);
    expect(grpcCodeOfHttp(418)).toBe(3);
    const failed: BatchOutputLine = { id: "x", custom_id: "c", error: null, response: { status_code: 404, request_id: "r", body: { error: { message: "model not found" } } } };
    expect(outputLineResult(failed)).toEqual({ error: { code: 5, message: "model not found" } });
  });

  test("metadata.key comes back unless the request had none; file lines carry the key", () => {
    expect(toInlinedResponse(ok("a")).metadata).toEqual({ key: "a" });
    expect(toInlinedResponse(ok(`${UNKEYED_PREFIX}3`)).metadata).toBeUndefined();
    expect(toResponsesFileLine(ok("a"))).toMatchObject({ key: "a", response: { responseId: "chatcmpl-1" } });
    expect(Object.keys(toResponsesFileLine(ok(`${UNKEYED_PREFIX}0`)))).toEqual(["response"]);
  });
});

describe("batch → Operation", () => {
  test("a running inline batch", () => {
    expect(toGenaiOperation(record())).toEqual({
      name: "batches/batch_abc",
      metadata: {
        "@type": "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch",
        model: "models/gemini-2.5-flash",
        displayName: "nightly",
        createTime: "2025-01-02T03:04:05.000Z",
        updateTime: "2025-01-02T03:04:06.000Z",
        batchStats: { requestCount: "3", successfulRequestCount: "1", pendingRequestCount: "2" },
        state: "BATCH_STATE_RUNNING",
        name: "batches/batch_abc",
      },
    });
  });

  test("a finished batch: done, endTime, output both in response and metadata.output", () => {
    const inlined = [toInlinedResponse(ok("a"))];
    const op = toGenaiOperation(record({ status: "completed", completedAt: T0 + 5000, counts: { total: 1, completed: 1, failed: 0 } }), { inlined }) as any;
    expect(op.done).toBe(true);
    expect(op.metadata.endTime).toBe("2025-01-02T03:04:10.000Z");
    expect(op.metadata.state).toBe("BATCH_STATE_SUCCEEDED");
    expect(op.metadata.batchStats).toEqual({ requestCount: "1", successfulRequestCount: "1" });
    expect(op.metadata.output).toEqual({ inlinedResponses: { inlinedResponses: inlined } });
    expect(op.response).toEqual({ "@type": "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput", inlinedResponses: { inlinedResponses: inlined } });
  });

  test("a file-based batch names its input and responses files; a failed one carries the error", () => {
    const rec = record({ metadata: { genai_source: "file" }, status: "failed", failedAt: T0 + 1, errors: [{ code: "invalid_request", message: "bad line", line: 2 }] });
    const op = toGenaiOperation(rec, { responsesFile: "files/responses-batch_abc" }) as any;
    expect(op.metadata.inputConfig).toEqual({ fileName: "files/file-in" });
    expect(op.metadata.displayName).toBe("batch_abc");
    expect(op.metadata.model).toBeUndefined();
    expect(op.metadata.output).toEqual({ responsesFile: "files/responses-batch_abc" });
    expect(op.error).toEqual({ code: 3, message: "line 2: bad line" });
    expect(op.done).toBe(true);
  });

  test("every OpenAI status has a Gemini state", () => {
    expect(["validating", "in_progress", "finalizing", "cancelling", "completed", "failed", "cancelled", "expired"].map((s) => genaiState(s as any))).toEqual([
      "BATCH_STATE_PENDING", "BATCH_STATE_RUNNING", "BATCH_STATE_RUNNING", "BATCH_STATE_RUNNING",
      "BATCH_STATE_SUCCEEDED", "BATCH_STATE_FAILED", "BATCH_STATE_CANCELLED", "BATCH_STATE_EXPIRED",
    ]);
  });
});

describe("files", () => {
  test("a stored file as Gemini's File", () => {
    const meta: FileMeta = { id: "file-xyz", owner: null, provider: "gemini", filename: "in.jsonl", purpose: "batch", bytes: 42, createdAt: T0, expiresAt: T0 + 86400000, generated: false };
    expect(toGenaiFile(meta, "http://gw/genai")).toEqual({
      name: "files/file-xyz",
      displayName: "in.jsonl",
      mimeType: "application/jsonl",
      sizeBytes: "42",
      createTime: "2025-01-02T03:04:05.000Z",
      updateTime: "2025-01-02T03:04:05.000Z",
      expirationTime: "2025-01-03T03:04:05.000Z",
      uri: "http://gw/genai/v1beta/files/file-xyz",
      downloadUri: "http://gw/genai/download/v1beta/files/file-xyz:download?alt=media",
      state: "ACTIVE",
      source: "UPLOADED",
    });
    expect(toResponsesFile(record(), "http://gw/genai")).toMatchObject({ name: "files/responses-batch_abc", state: "PROCESSING", source: "GENERATED" });
  });

  test("file names", () => {
    expect(fileIdOf("files/file-1")).toBe("file-1");
    expect(fileIdOf("file-1")).toBe("file-1");
    expect(fileIdOf("http://gw/genai/v1beta/files/file-1")).toBe("file-1");
    expect(thrown(() => fileIdOf("files/")).status).toBe(400);
    expect(responsesBatchId("responses-batch_1")).toBe("batch_1");
    expect(responsesBatchId("file-1")).toBeNull();
  });
});

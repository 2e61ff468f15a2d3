/**
 * jsonparser: repairs truncated JSON in tool-call arguments and JSON-mode output (response_format
 * json_object / json_schema), for whole responses and for streams. See README.md.
 */
import { definePlugin, t, type ChatRequest, type ChatResponse, type ResponseExtraFields } from "bifrost/plugin";
import { isValidJson, repairJson } from "./repair";
import { StreamRepairs, type Target } from "./stream";

const JSON_MODE = "jsonparser:json_mode";
const STREAM = "jsonparser:stream";

export default definePlugin({
  name: "jsonparser",
  description: "Repairs truncated JSON in tool-call arguments and JSON-mode output",
  config: t.Object({
    /** "final": the finishing chunk completes the document; "every_chunk": each chunk also carries the parseable document so far. */
    mode: t.Union([t.Literal("final"), t.Literal("every_chunk")], { default: "final" }),
    tool_calls: t.Boolean({ default: true }),
    json_mode: t.Boolean({ default: true }),
  }),

  setup({ config }) {
    return {
      preRequest(req, rctx) {
        const type = (req as ChatRequest).response_format?.type;
        if (rctx.op !== "embeddings" && (type === "json_object" || type === "json_schema")) rctx.values.set(JSON_MODE, true);
      },

      postResponse(res, _err, rctx) {
        const chat = res as ChatResponse | null;
        if (!chat || !Array.isArray(chat.choices)) return;
        const repaired = repairResponse(chat, config.tool_calls, config.json_mode && rctx.values.has(JSON_MODE));
        if (!repaired.length) return;
        chat.extra_fields = { ...chat.extra_fields, jsonparser: { repaired } } as ResponseExtraFields;
        return { response: chat };
      },

      onStreamChunk(chunk, rctx) {
        let s = rctx.values.get(STREAM) as StreamRepairs | undefined;
        if (!s) {
          s = new StreamRepairs({ toolCalls: config.tool_calls, content: config.json_mode && rctx.values.has(JSON_MODE), everyChunk: config.mode === "every_chunk" });
          rctx.values.set(STREAM, s);
        }
        s.onChunk(chunk);
      },
    };
  },
});

/** Repair in place every tool call's arguments (and JSON-mode content) that does not parse. */
function repairResponse(res: ChatResponse, toolCalls: boolean, content: boolean): Target[] {
  const repaired: Target[] = [];
  for (const ch of res.choices ?? []) {
    const m = ch.message;
    if (!m) continue;
    if (toolCalls) {
      (m.tool_calls ?? []).forEach((tc, i) => {
        const fixed = fix(tc.function?.arguments);
        if (fixed === null) return;
        tc.function.arguments = fixed;
        repaired.push({ choice: ch.index, target: "tool_call", tool_call: i });
      });
    }
    const fixed = content ? fix(m.content) : null;
    if (fixed !== null) {
      m.content = fixed;
      repaired.push({ choice: ch.index, target: "content" });
    }
  }
  return repaired;
}

/** The repaired text, or null when it parses already or holds no JSON to save. */
function fix(text: string | null | undefined): string | null {
  if (typeof text !== "string" || !text.trim() || isValidJson(text)) return null;
  return repairJson(text);
}

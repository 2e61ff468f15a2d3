/**
 * guardrails: redacts or blocks PII and configured patterns in what goes to the model and in what
 * comes back, streams included. See README.md.
 */
import { definePlugin, type AnyRequest, type ChatResponse, type PostResult, type PreResult, type ResponseExtraFields } from "bifrost/plugin";
import { configSchema } from "./config";
import { mapTexts } from "./fields";
import { compileRules, type Rule } from "./rules";
import { check, type Verdict } from "./scan";
import { StreamGuard } from "./stream";

const INPUT = "guardrails:input";
const STREAM = "guardrails:stream";

export default definePlugin({
  name: "guardrails",
  description: "Redacts or blocks PII and configured patterns in requests and responses, streams included",
  config: configSchema,
  // A guardrail that is skipped is no guardrail: a failed or overrunning hook fails the request.
  fail: "closed",

  setup(ctx) {
    const cfg = ctx.config;
    const rules: Rule[] = compileRules(cfg);
    const blockError = (rule: Rule, what: "request" | "response") =>
      ctx.error({ status: 400, type: "guardrail_blocked", code: rule.name, message: `${what} blocked by guardrail "${rule.name}"`, param: what === "request" ? "messages" : null });
    const tooLong = (what: "request" | "response") =>
      ctx.error({ status: 400, type: "guardrail_blocked", code: "guardrail_scan_limit", message: `${what} has a text longer than guardrails' max_scan_chars (${cfg.max_scan_chars}); it was refused unscanned`, param: null });
    /** One text checked; null when it is too long to scan. */
    const verdict = (text: string): Verdict | null => (text.length > cfg.max_scan_chars ? null : check(text, rules, cfg.redaction));

    return {
      preRequest(req, rctx): PreResult {
        if (!cfg.apply_to.input || !rules.length) return;
        const names = new Set<string>();
        let blockedBy: Rule | null = null;
        let overLimit = false;
        const guard = (text: string): string => {
          const v = verdict(text);
          if (!v) return void (overLimit = true), text;
          blockedBy ??= v.blockedBy;
          for (const n of v.redacted) names.add(n);
          return v.text;
        };
        // Every op's texts: chat, completions, embeddings, images, speech, transcriptions, rerank, responses.
        const next = mapTexts(req, guard) as AnyRequest;
        if (overLimit) return { error: tooLong("request"), allowFallbacks: false };
        if (blockedBy) return { error: blockError(blockedBy, "request"), allowFallbacks: false };
        if (!names.size) return;
        rctx.values.set(INPUT, [...names]);
        return { request: next };
      },

      postResponse(res, err, rctx): PostResult {
        const chat = res as ChatResponse | null;
        if (err || !chat) return;
        const output = new Set<string>();
        if (cfg.apply_to.output && rules.length) {
          for (const ch of Array.isArray(chat.choices) ? chat.choices : []) {
            if (typeof ch.message?.content !== "string") continue;
            const v = verdict(ch.message.content);
            if (!v) return { error: tooLong("response") };
            if (v.blockedBy) return { error: blockError(v.blockedBy, "response") };
            ch.message.content = v.text;
            for (const n of v.redacted) output.add(n);
          }
        }
        const input = rctx.values.get(INPUT) as string[] | undefined;
        if (!input && !output.size) return;
        chat.extra_fields = { ...chat.extra_fields, guardrails: { ...(input ? { input } : {}), ...(output.size ? { output: [...output] } : {}) } } as ResponseExtraFields;
        return { response: chat };
      },

      onStreamChunk(chunk, rctx) {
        if (!cfg.apply_to.output || !rules.length) return;
        let g = rctx.values.get(STREAM) as StreamGuard | undefined;
        if (!g) rctx.values.set(STREAM, (g = new StreamGuard(rules, cfg.redaction, cfg.stream_holdback)));
        return g.onChunk(chunk);
      },
    };
  },
});

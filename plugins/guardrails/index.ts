/**
 * guardrails: redacts or blocks PII and configured patterns in what goes to the model and in what
 * comes back, streams included. See README.md.
 */
import { definePlugin, type ChatRequest, type ChatResponse, type EmbeddingRequest, type PostResult, type PreResult, type ResponseExtraFields } from "bifrost/plugin";
import { configSchema } from "./config";
import { compileRules, type Rule } from "./rules";
import { check, type Verdict } from "./scan";
import { StreamGuard } from "./stream";

const INPUT = "guardrails:input";
const STREAM = "guardrails:stream";

export default definePlugin({
  name: "guardrails",
  description: "Redacts or blocks PII and configured patterns in requests and responses, streams included",
  config: configSchema,

  setup(ctx) {
    const cfg = ctx.config;
    const rules: Rule[] = compileRules(cfg);
    const blockError = (rule: Rule, what: "request" | "response") =>
      ctx.error({ status: 400, type: "guardrail_blocked", code: rule.name, message: `${what} blocked by guardrail "${rule.name}"`, param: what === "request" ? "messages" : null });

    return {
      preRequest(req, rctx): PreResult {
        if (!cfg.apply_to.input || !rules.length) return;
        const names = new Set<string>();
        let blockedBy: Rule | null = null;
        const guard = (text: string): string => {
          const v: Verdict = check(text, rules, cfg.redaction);
          blockedBy ??= v.blockedBy;
          for (const n of v.redacted) names.add(n);
          return v.text;
        };
        const next =
          rctx.op === "embeddings"
            ? { ...req, input: mapInput((req as EmbeddingRequest).input, guard) }
            : { ...req, messages: (req as ChatRequest).messages.map((m) => mapMessage(m, guard)) };
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
            const v = check(ch.message.content, rules, cfg.redaction);
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

/** A message with its text (a string, or text parts) passed through `guard`; other parts untouched. */
function mapMessage(m: any, guard: (s: string) => string): any {
  if (typeof m.content === "string") return { ...m, content: guard(m.content) };
  if (!Array.isArray(m.content)) return m;
  return { ...m, content: m.content.map((p: any) => (p?.type === "text" && typeof p.text === "string" ? { ...p, text: guard(p.text) } : p)) };
}

function mapInput(input: unknown, guard: (s: string) => string): unknown {
  if (typeof input === "string") return guard(input);
  return Array.isArray(input) ? input.map((x) => (typeof x === "string" ? guard(x) : x)) : input;
}

/**
 * mocker: answers matching requests with canned responses or errors, without calling a provider.
 * With no rules, every `mock/*` model gets a deterministic reply (chat, streams and embeddings),
 * so a gateway with no provider keys is still usable end to end. See README.md.
 */
import { configSchema, type MockerConfig } from "./config";
import { compileRules, isMockModel, lastUserText, pickRule, textOf, type CompiledRule } from "./match";
import { chatChunks, chatResponse, countWords, embeddingResponse, embeddingTexts, fillTemplate, promptWords, type Reply } from "./reply";
import type { Message, Plugin, PluginContext, PreResult, RequestContext } from "./types";

export default function mocker(ctx: PluginContext): Plugin {
  let rules: CompiledRule[] = [];
  const plugin: Plugin = {
    name: "mocker",
    description: "Canned responses and errors for matching requests; answers mock/* models",
    config: configSchema(ctx.t),

    init(config: MockerConfig) {
      rules = compileRules(config.rules);
      // Latency is deliberate here: the hook's time budget must outlast the slowest configured delay.
      const slowest = Math.max(config.default.latency_ms, ...config.rules.map((r) => r.latency_ms ?? 0));
      plugin.timeoutMs = Math.max(1000, slowest + 1000);
    },

    async preRequest(req, rctx): Promise<PreResult> {
      const cfg: MockerConfig = ctx.config;
      const requested = String(req.model);
      const embeddings = rctx.op === "embeddings";
      const input = embeddings ? embeddingTexts(req.input).join("\n") : lastUserText(req.messages ?? []);
      const hit = pickRule(rules, requested, input, rctx);
      if (!hit && !(cfg.default.enabled && isMockModel(requested, rctx))) return;
      const latency = hit ? (hit.rule.latency_ms ?? 0) : cfg.default.latency_ms;
      if (latency > 0) await Bun.sleep(latency);
      const extra = { provider: "mock", model_requested: requested, ...(hit ? { mock_rule: hit.label } : {}) };
      const err = hit?.rule.error;
      if (err) return { error: ctx.error({ status: err.status, message: err.message, type: err.type, code: err.code ?? null, extra }), allowFallbacks: err.allow_fallbacks };
      if (embeddings) return { respond: embeddingResponse(embeddingTexts(req.input), req.dimensions ?? cfg.default.embedding_dimensions, requested, req.encoding_format === "base64", extra) };
      const reply = buildReply(req.messages ?? [], input, requested, hit, cfg, `mock-${ctx.stores.kv.incr("responses")}`, extra);
      return rctx.op === "chatStream" ? { stream: chatChunks(reply) } : { respond: chatResponse(reply) };
    },
  };
  return plugin;
}

function buildReply(messages: Message[], input: string, model: string, hit: CompiledRule | null, cfg: MockerConfig, id: string, extra: Record<string, unknown>): Reply {
  const r = hit?.rule.response ?? {};
  const template = r.content ?? (r.tool_calls ? null : cfg.default.content);
  const content = template === null ? null : fillTemplate(template, { input, model });
  const toolCalls = r.tool_calls?.map((tc, i) => ({
    id: tc.id ?? `call_mock_${i + 1}`,
    type: "function" as const,
    function: { name: tc.function.name, arguments: typeof tc.function.arguments === "string" ? tc.function.arguments : JSON.stringify(tc.function.arguments) },
  }));
  const promptTokens = r.usage?.prompt_tokens ?? promptWords(messages, textOf);
  const words = countWords(content ?? "") + (toolCalls ?? []).reduce((n, tc) => n + countWords(tc.function.arguments.replace(/[{}[\]",:]/g, " ")), 0);
  const completionTokens = r.usage?.completion_tokens ?? Math.max(1, words);
  return {
    id,
    model,
    content,
    toolCalls: toolCalls ?? null,
    finishReason: r.finish_reason ?? (toolCalls ? "tool_calls" : "stop"),
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: r.usage?.total_tokens ?? promptTokens + completionTokens },
    extra,
  };
}

/**
 * mocker: answers matching requests with canned responses or errors, without calling a provider.
 * With no rules, every `mock/*` model gets a deterministic reply (chat, streams and embeddings),
 * so a gateway with no provider keys is still usable end to end. See README.md.
 */
import { definePlugin, type ChatMessage, type ChatRequest, type EmbeddingRequest, type PreResult } from "bifrost/plugin";
import { configSchema, type MockerConfig } from "./config";
import { compileRules, isMockModel, lastUserText, pickRule, textOf, type CompiledRule } from "./match";
import { chatChunks, chatResponse, countWords, embeddingResponse, embeddingTexts, fillTemplate, promptWords, type Reply } from "./reply";

export default definePlugin({
  name: "mocker",
  description: "Canned responses and errors for matching requests; answers mock/* models",
  config: configSchema,

  setup(ctx) {
    const cfg = ctx.config;
    const rules = compileRules(cfg.rules);
    // Latency is deliberate here: the hook's time budget must outlast the slowest configured delay.
    const slowest = Math.max(cfg.default.latency_ms, ...cfg.rules.map((r) => r.latency_ms ?? 0));
    // The mock models a model list offers (GET /v1/models: SDKs' pickers, the dashboard's playground).
    const listed = cfg.default.enabled ? cfg.default.models.map((id) => ({ id, object: "model" as const, created: 0, owned_by: "mock" })) : [];
    return {
      timeoutMs: Math.max(1000, slowest + 1000),

      listModels(models) {
        const missing = listed.filter((m) => !models.some((x) => x.id === m.id));
        if (missing.length) return { models: [...models, ...missing] };
      },

      async preRequest(req, rctx): Promise<PreResult> {
        const requested = req.model;
        const embeddings = rctx.op === "embeddings";
        const { input: rawInput, dimensions, encoding_format } = req as EmbeddingRequest;
        const messages = (req as ChatRequest).messages ?? [];
        const input = embeddings ? embeddingTexts(rawInput).join("\n") : lastUserText(messages);
        const hit = pickRule(rules, requested, input, rctx);
        if (!hit && !(cfg.default.enabled && isMockModel(requested, rctx))) return;
        const latency = hit ? (hit.rule.latency_ms ?? 0) : cfg.default.latency_ms;
        if (latency > 0) await Bun.sleep(latency);
        const extra = { provider: "mock", model_requested: requested, ...(hit ? { mock_rule: hit.label } : {}) };
        const err = hit?.rule.error;
        if (err) return { error: ctx.error({ status: err.status, message: err.message, type: err.type, code: err.code ?? null, extra }), allowFallbacks: err.allow_fallbacks };
        if (embeddings) return { response: embeddingResponse(embeddingTexts(rawInput), dimensions ?? cfg.default.embedding_dimensions, requested, encoding_format === "base64", extra) };
        const reply = buildReply(messages, input, requested, hit, cfg, `mock-${ctx.stores.kv.incr("responses")}`, extra);
        // A token count is the prompt tokens the mock reply would report, in the canonical count's shape.
        if (rctx.op === "countTokens") return { response: { object: "token_count", model: requested, input_tokens: reply.usage.prompt_tokens, extra_fields: extra } };
        return rctx.op === "chatStream" ? { stream: chatChunks(reply) } : { response: chatResponse(reply) };
      },
    };
  },
});

function buildReply(messages: ChatMessage[], input: string, model: string, hit: CompiledRule | null, cfg: MockerConfig, id: string, extra: Reply["extra"]): Reply {
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

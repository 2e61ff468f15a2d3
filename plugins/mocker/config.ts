/** The mocker's config schema, with its defaults. */
import { t, type Static } from "bifrost/plugin";

export const DEFAULT_TEMPLATE = "This is a mock response from Bifrost's mocker plugin to: {{input}}";

const toolCall = t.Object({
  id: t.Optional(t.String()),
  type: t.Optional(t.Literal("function")),
  function: t.Object({ name: t.String({ minLength: 1 }), arguments: t.Union([t.String(), t.Record(t.String(), t.Unknown())], { default: "{}" }) }),
});
const usage = t.Object({
  prompt_tokens: t.Optional(t.Integer({ minimum: 0 })),
  completion_tokens: t.Optional(t.Integer({ minimum: 0 })),
  total_tokens: t.Optional(t.Integer({ minimum: 0 })),
});
const finishReason = t.Union([t.Literal("stop"), t.Literal("length"), t.Literal("tool_calls"), t.Literal("content_filter")]);
const rule = t.Object({
  /** Named in logs and in extra_fields.mock_rule. */
  name: t.Optional(t.String()),
  match: t.Optional(
    t.Object({
      /** Glob ("gpt-4*") or "/regex/flags", against "provider/model" and the bare model. */
      model: t.Optional(t.String()),
      provider: t.Optional(t.String()),
      /** Regex (or "/regex/flags") on the last user message. */
      content: t.Optional(t.String()),
    }),
  ),
  probability: t.Number({ minimum: 0, maximum: 1, default: 1 }),
  latency_ms: t.Optional(t.Integer({ minimum: 0 })),
  response: t.Optional(
    t.Object({
      /** Template: {{input}} is the last user message, {{model}} the requested model. */
      content: t.Optional(t.String()),
      tool_calls: t.Optional(t.Array(toolCall)),
      finish_reason: t.Optional(finishReason),
      usage: t.Optional(usage),
    }),
  ),
  error: t.Optional(
    t.Object({
      status: t.Integer({ minimum: 400, maximum: 599 }),
      message: t.String(),
      type: t.Optional(t.String()),
      code: t.Optional(t.String()),
      /** Like a real provider failure, a mocked one lets fallbacks run unless told otherwise. */
      allow_fallbacks: t.Boolean({ default: true }),
    }),
  ),
});
export const configSchema = t.Object({
  rules: t.Array(rule, { default: [] }),
  default: t.Object(
    {
      /** Answer every mock/* model when no rule did. */
      enabled: t.Boolean({ default: true }),
      content: t.String({ default: DEFAULT_TEMPLATE }),
      latency_ms: t.Integer({ minimum: 0, default: 0 }),
      embedding_dimensions: t.Integer({ minimum: 1, maximum: 8192, default: 1536 }),
      /** Listed by GET /v1/models (any mock/* model answers; these are the ones a client or the dashboard is offered). */
      models: t.Array(t.String({ pattern: "^mock/.+" }), { default: ["mock/gpt-4o-mini", "mock/text-embedding-3-small"] }),
    },
    { default: {} },
  ),
});

export type MockerConfig = Static<typeof configSchema>;
export type Rule = MockerConfig["rules"][number];

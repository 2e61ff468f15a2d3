/**
 * `bifrost/plugin`: the one plugin contract, imported by every plugin (never copied).
 *
 *   import { definePlugin, t } from "bifrost/plugin";
 *   export default definePlugin({ name, config: t.Object({ ... }), setup(ctx) { return { preRequest() {} } } });
 *
 * and tests it without a gateway: `const p = await testPlugin(plugin, { config }); await p.pre(request)`.
 * The hooks and their return convention are documented in src/plugins/types.ts.
 */
import type { TSchema } from "@sinclair/typebox";
import { assertDefinition } from "./plugins/setup";
import type { PluginDefinition } from "./plugins/types";

export { Type as t, type Static, type TSchema } from "@sinclair/typebox";
export { OP_REQUEST_TYPE } from "./schemas/ops";
export { testPlugin, testSummary, type PluginUnderTest, type TestPluginOptions } from "./plugins/testing";
export type { PreOutcome } from "./plugins/pipeline";
export { assertSafeRegex, unsafeRegexReason, MAX_REGEX_LENGTH } from "./plugins/safe-regex";
export { openPrivateSqlite, type PrivateSqliteOptions } from "./plugins/kit/sqlite";
export { RedisConnection, type RedisConnectionOptions } from "./plugins/kit/redis";

/** Declares a plugin; `ctx.config` in setup is typed by the `config` schema. */
export function definePlugin<Schema extends TSchema = TSchema>(definition: PluginDefinition<Schema>): PluginDefinition<Schema> {
  assertDefinition(definition, "definePlugin's argument");
  return definition;
}

export type {
  AnyRequest,
  AnyResponse,
  AttemptRecord,
  BatchAdmission,
  Caller,
  ChunkResult,
  Cost,
  GatewayRuntime,
  HookTiming,
  HttpSummary,
  HttpRequestResult,
  HttpResponseResult,
  KvStore,
  Op,
  Plugin,
  PluginContext,
  McpCall,
  McpCallResult,
  ModelPrice,
  PluginDefinition,
  PluginGateway,
  PluginPricing,
  PluginRoute,
  PostResult,
  PreResult,
  RequestContext,
  RequestSummary,
} from "./plugins/types";
export type { Logger } from "./log";
export type {
  AssistantMessage,
  BifrostError,
  BifrostErrorInit,
  ChatChunk,
  ChatMessage,
  ChatRequest,
  ChatResponse,
  ContentPart,
  EmbeddingRequest,
  EmbeddingResponse,
  FinishReason,
  ImageGenerationRequest,
  ImageGenerationResponse,
  RerankRequest,
  RerankResponse,
  ResponseExtraFields,
  SpeechRequest,
  ToolCall,
  ToolCallDelta,
  TranscriptionRequest,
  Usage,
} from "./schemas";

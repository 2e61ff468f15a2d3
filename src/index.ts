/** The library: use the gateway in-process, no HTTP involved. */
export { Bifrost, type RequestOptions, type CreateOptions, type Unary, type Streamed } from "./core/bifrost";
export type { ChunkStream } from "./core/provider-call";
export { Answer } from "./core/answer";
export { startServer, type ServerOptions, type RunningServer } from "./server";
export { createApp } from "./http/app";
export { ConfigError, loadConfigFile, resolveConfig, configFromEnv } from "./config/load";
export type { BifrostConfig } from "./config/schema";
export * from "./schemas";

/** Starting the HTTP server: config resolution, listen, graceful stop. `bun run server` lands here via cli.ts. */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ConfigError, envProviders, readConfigFile, resolveConfig } from "./config/load";
import { withDefaultPlugins } from "./config/default-plugins";
import type { ResolvedConfig } from "./config/resolved";
import type { BifrostConfig } from "./config/schema";
import { storedPart } from "./core/live-config";
import { configStoreSettings, type ConfigStore, type StoreSettings } from "./stores/config";
import { openSqlite } from "./stores/config/sqlite";
import { SqlSessionStore, type SessionStore } from "./auth/sessions";
import { Bifrost } from "./core/bifrost";
import { PluginLoadError } from "./plugins/host";
import { discoverPlugins, pluginSearchPath } from "./plugins/manifest";
import { isLoopbackAddress } from "./auth/guard";
import { createApp } from "./http/app";
import { startBatches } from "./batches/start";
import { log } from "./log";

export interface ServerOptions {
  config?: string;
  port?: number;
  host?: string;
  appDir?: string;
  workers?: number;
  /** How long SIGTERM/SIGINT waits for in-flight requests and streams (default 30 s; env BIFROST_SHUTDOWN_GRACE_SECONDS). */
  shutdownGraceSeconds?: number;
  env?: Record<string, string | undefined>;
  /** Seed the config store from the file again, dropping what runtime changes it holds (--reset-store). */
  resetStore?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  bifrost: Bifrost;
  stop(graceMs?: number): Promise<void>;
  /** Re-read the config file (SIGHUP); an invalid file changes nothing. Resolves false when it was rejected. */
  reload(): Promise<boolean>;
}

/** --config, then BIFROST_CONFIG, then <app-dir>/config.json; with none, the environment's keys. */
export function configPath(opts: ServerOptions, env: Record<string, string | undefined>): string | null {
  if (opts.config) return resolve(opts.config);
  if (env.BIFROST_CONFIG) return resolve(env.BIFROST_CONFIG);
  const inAppDir = join(resolve(opts.appDir ?? env.BIFROST_APP_DIR ?? "."), "config.json");
  return existsSync(inAppDir) ? inAppDir : null;
}

export async function loadServerConfig(opts: ServerOptions): Promise<ResolvedConfig> {
  return (await loadWithStore(opts)).config;
}

/**
 * The file (or the environment), and the config store when config_store enables one: on first start
 * the file seeds the store; afterwards the store wins, until --reset-store seeds it again.
 */
async function loadWithStore(opts: ServerOptions): Promise<{ config: ResolvedConfig; store: ConfigStore | null; pollMs: number; settings?: StoreSettings }> {
  const env = opts.env ?? process.env;
  const path = configPath(opts, env);
  const raw: BifrostConfig = path ? await readConfigFile(path, env) : { providers: envProviders(env) };
  const source = path ?? "environment";
  const settings = configStoreSettings(raw.config_store, appDirOf(opts, env, path), env);
  const serverConfig = (c: BifrostConfig) => withDefaultPlugins(c, appDirOf(opts, env, path));
  if (!settings) return { config: resolveConfig(serverConfig(raw), env, source), store: null, pollMs: 0 };
  const fromFile = resolveConfig(serverConfig(raw), env, source);
  const store = await settings.open();
  try {
    const stored = opts.resetStore ? null : await store.load();
    if (stored) return { config: resolveConfig(serverConfig({ ...raw, ...stored }), env, `${source} + ${store.kind} config store`), store, pollMs: settings.pollMs, settings };
    await store.replace(storedPart(raw));
    log.info(opts.resetStore ? `config store: reseeded from ${source}` : `config store: seeded from ${source}`, { type: store.kind });
    return { config: fromFile, store, pollMs: settings.pollMs, settings };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** Where the app's files live: --app-dir, BIFROST_APP_DIR, else the config file's folder, else the current one. */
export function appDirOf(opts: ServerOptions, env: Record<string, string | undefined>, configFile: string | null): string {
  return resolve(opts.appDir ?? env.BIFROST_APP_DIR ?? (configFile ? dirname(configFile) : "."));
}

/** SIGHUP: the config file again, validated whole; an invalid one is logged and the running config kept. */
export async function reloadConfigFile(bifrost: Bifrost, opts: ServerOptions): Promise<boolean> {
  const env = opts.env ?? process.env;
  const path = configPath(opts, env);
  if (!path) return log.warn("config reload: no config file to re-read"), false;
  try {
    await bifrost.live.apply(await readConfigFile(path, env), path, true);
    log.info(`config reloaded from ${path}`, { providers: bifrost.providers().map((p) => p.name).join(",") || "none" });
    return true;
  } catch (e) {
    const problems = e instanceof ConfigError ? e.problems.join("; ") : (e as Error).message;
    log.error(`config reload rejected; keeping the running config`, { file: path, error: problems });
    return false;
  }
}

/**
 * Where plugins are looked for, in order: $BIFROST_PLUGINS_DIR or <app-dir>/plugins (user-installed), then
 * the plugins/ folder shipped with the gateway; a name in both is the app's (logged at start-up).
 */
export function pluginsDirFor(opts: ServerOptions, env: Record<string, string | undefined>): string[] {
  return pluginSearchPath(env.BIFROST_PLUGINS_DIR ?? join(resolve(opts.appDir ?? env.BIFROST_APP_DIR ?? "."), "plugins"));
}

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const env = opts.env ?? process.env;
  const { config, store, pollMs, settings } = await loadWithStore(opts);
  for (const w of config.warnings) log.warn(`config: ${w}`);
  const hostname = opts.host ?? env.HOST ?? "127.0.0.1";
  checkAdminExposure(config, hostname);
  const pluginsDir = pluginsDirFor(opts, env);
  const mockerOnly = config.providers.size === 0 && !config.plugins.some((p) => p.name === "mocker") && discoverPlugins(pluginsDir).found.has("mocker");
  if (mockerOnly) config.plugins.push({ name: "mocker", enabled: true, config: {} });
  const path = configPath(opts, env);
  const bifrost = await Bifrost.create(config, { env, workers: opts.workers, pluginsDir, baseDir: path ? dirname(path) : resolve(opts.appDir ?? ".") }).catch(async (e) => {
    await store?.close();
    throw e;
  });
  // A config applied later (SIGHUP, another replica's change) gets the same default plugins.
  bifrost.live.prepare = (c) => withDefaultPlugins(c, appDirOf(opts, env, path));
  if (store) await bifrost.live.attachStore(store, pollMs);
  // Files and batches: their store opened, unfinished batches resumed (Bifrost.shutdown stops them).
  await startBatches(bifrost, config.raw?.batches, appDirOf(opts, env, path), env).catch(async (e) => {
    await bifrost.shutdown();
    await store?.close();
    throw e;
  });
  const sessions = config.auth.enabled ? await openSessionStore(settings, env) : null;
  bifrost.sessions = sessions?.store ?? null;
  const app = createApp(bifrost);
  const port = opts.port ?? (env.PORT ? Number(env.PORT) : 8080);
  // Idle connections are closed after this; inference requests lift it for themselves (src/http/inference.ts).
  const idleTimeout = Number(env.BIFROST_HTTP_IDLE_TIMEOUT_SECONDS ?? 30);
  const reusePort = env.BIFROST_REUSE_PORT === "1";
  // Bun's own limit would answer a bare 413: the routes enforce client.max_request_body_size_mb in the gateway's shape (src/http/body.ts).
  app.listen({ port, hostname, idleTimeout, reusePort, maxRequestBodySize: Number.MAX_SAFE_INTEGER });
  const server = app.server!;
  const url = `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${server.port}`;
  const names = bifrost.providers().map((p) => p.name);
  log.info(`bifrost listening on ${url}`, {
    config: config.source,
    providers: names.length ? names.join(",") : "none",
    transport: bifrost.transportKind,
    admin_auth: config.auth.enabled ? (config.auth.inferenceNeedsAuth ? "on (inference too)" : "on (admin only)") : config.auth.allowUnauthenticatedAdmin ? "off (allow_unauthenticated_admin)" : "off (loopback only)",
    ...(config.auth.enabled ? { sessions: sessions?.where ?? "memory" } : {}),
    pid: process.pid,
  });
  if (mockerOnly) {
    log.warn("no providers configured: the mocker plugin answers mock/* models (try model \"mock/gpt-4o-mini\"); set OPENAI_API_KEY / ANTHROPIC_API_KEY or pass --config FILE for real providers");
  } else if (!names.length) log.warn("no providers configured: set OPENAI_API_KEY / ANTHROPIC_API_KEY (or others) or pass --config FILE");

  const defaultGraceMs = (opts.shutdownGraceSeconds ?? Number(env.BIFROST_SHUTDOWN_GRACE_SECONDS ?? 30)) * 1000;
  let stopping: Promise<void> | null = null;
  const stop = (graceMs = defaultGraceMs) =>
    (stopping ??= (async () => {
      const drained = server.stop(false);
      await Promise.race([drained, Bun.sleep(graceMs)]);
      // Out of grace: queued requests get a 503 and live streams a final error event, given a moment to be written.
      bifrost.interrupt();
      await Promise.race([drained, Bun.sleep(Math.min(1000, Math.max(50, graceMs)))]);
      await server.stop(true);
      await bifrost.shutdown();
      await sessions?.store.close();
    })());
  return { url, port: server.port!, bifrost, stop, reload: () => reloadConfigFile(bifrost, opts) };
}

/**
 * Where admin sessions live: the config store's database (every replica on it shares them), else the
 * session file the supervisor made for --cluster (BIFROST_SESSION_DB), else null: this process's memory.
 */
async function openSessionStore(settings: StoreSettings | undefined, env: Record<string, string | undefined>): Promise<{ store: SessionStore; where: string } | null> {
  if (settings) return { store: await settings.openSessions(), where: "config store" };
  if (env.BIFROST_SESSION_DB) return { store: await SqlSessionStore.open(openSqlite(env.BIFROST_SESSION_DB)), where: "cluster session file" };
  return null;
}

/** With auth_config off, the admin API may only be reachable from this machine unless the config accepts the risk. */
function checkAdminExposure(config: ResolvedConfig, hostname: string) {
  const { auth } = config;
  if (auth.enabled) return;
  if (isLoopbackAddress(hostname)) return;
  if (!auth.allowUnauthenticatedAdmin) {
    throw new ConfigError([
      `host ${hostname}: refusing to serve the admin API (/api/*) without auth_config on a non-loopback address; enable auth_config (is_enabled, admin_username, admin_password), bind to 127.0.0.1, or set client.allow_unauthenticated_admin: true`,
    ]);
  }
  log.warn(`admin API (/api/*) open without authentication on ${hostname} (client.allow_unauthenticated_admin)`);
}

/**
 * A server process keeps serving through a stray rejection or throw (a plugin's unawaited promise, a
 * callback's bug): it is logged through the redactor instead of Bun's crash print, which would have
 * written the raw error (and whatever key it held) to stderr and ended the process.
 */
export function guardProcess(): void {
  const report = (what: string) => (err: unknown) => {
    log.error(`${what}; still serving`, { error: String((err as Error)?.stack ?? err) });
  };
  process.on("unhandledRejection", report("unhandled promise rejection"));
  process.on("uncaughtException", report("uncaught exception"));
}

/** Tells the supervisor (over IPC, when it started this process) that the server is listening. */
export function announceReady(): void {
  process.send?.({ bifrost: "ready", pid: process.pid });
}

export function exitOnConfigError(err: unknown): never {
  if (err instanceof PluginLoadError) {
    process.stderr.write(`bifrost: ${err.message}\n`);
    process.exit(1);
  }
  if (err instanceof ConfigError && err.problems.length === 1) {
    process.stderr.write(`bifrost: invalid configuration: ${err.problems[0]}\n`);
    process.exit(1);
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`bifrost: invalid configuration\n${err.problems.map((p) => `  ${p}`).join("\n")}\n`);
    process.exit(1);
  }
  throw err;
}

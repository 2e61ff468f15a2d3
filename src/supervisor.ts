/**
 * The process that `bifrost server` starts first. Bun caps concurrent outbound fetches per process at
 * 256 unless BUN_CONFIG_MAX_HTTP_REQUESTS is set before start, which would silently queue a gateway's
 * upstream calls; so the supervisor starts the server process(es) with it set. With --cluster N it
 * starts N servers sharing the port (reusePort), so every core serves HTTP. A server that dies after it
 * was serving is restarted (one or many), with back-off; one that fails to start stops the supervisor;
 * they share admin sessions through a private SQLite file it makes for them (BIFROST_SESSION_DB).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqlSessionStore } from "./auth/sessions";
import { log } from "./log";
import { openSqlite } from "./stores/config/sqlite";

export const MAX_HTTP_REQUESTS = "65336";
const CLI = new URL("./cli.ts", import.meta.url).pathname;
/** Restarting a server process that crashed after it was serving: 0.5 s, doubling, at most 30 s. */
export const RESTART_BACKOFF = { initialMs: 500, maxMs: 30_000 };
/** A process that served this long before it died starts the back-off over. */
const STABLE_UPTIME_MS = 60_000;

/** The wait before the next restart, after `crashes` crashes in a row. */
export function restartDelayMs(crashes: number): number {
  return Math.min(RESTART_BACKOFF.maxMs, RESTART_BACKOFF.initialMs * 2 ** Math.max(0, crashes - 1));
}

export function needsSupervisor(env: Record<string, string | undefined>, cluster: number): boolean {
  return env.BIFROST_SUPERVISED !== "1" && (cluster > 1 || !env.BUN_CONFIG_MAX_HTTP_REQUESTS);
}

/**
 * For --cluster N > 1: a fresh 0700 directory holding a 0600 SQLite file with the sessions table made,
 * so the servers share logins without racing to create it. The servers prefer a config store when the
 * config has one (it is shared with other replicas too); the file then stays empty.
 */
export async function makeSessionFile(): Promise<{ path: string; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), "bifrost-sessions-"));
  const path = join(dir, "sessions.db");
  await (await SqlSessionStore.open(openSqlite(path))).close();
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The environment each server process starts with. */
export function childEnv(base: Record<string, string | undefined>, n: number, sessionDb?: string): Record<string, string | undefined> {
  return {
    ...base,
    BIFROST_SUPERVISED: "1",
    BUN_CONFIG_MAX_HTTP_REQUESTS: base.BUN_CONFIG_MAX_HTTP_REQUESTS ?? MAX_HTTP_REQUESTS,
    ...(n > 1 ? { BIFROST_REUSE_PORT: "1" } : {}),
    ...(sessionDb ? { BIFROST_SESSION_DB: sessionDb } : {}),
  };
}

export async function supervise(serverArgs: string[], cluster: number): Promise<never> {
  const n = Math.max(1, cluster);
  const sessionFile = n > 1 ? await makeSessionFile() : null;
  const env = childEnv(process.env, n, sessionFile?.path);
  let stopping = false;
  const children = new Set<ReturnType<typeof Bun.spawn>>();
  const codes: number[] = [];

  let crashes = 0;
  let onStop = () => {};
  const stopped = new Promise<void>((resolve) => (onStop = resolve));

  /**
   * One server slot. A process that exits before it reported listening failed to start (a bad config,
   * a taken port): the others are stopped with it and the supervisor exits, as before. One that exits
   * after it was serving crashed: a fresh one takes its place, after a back-off that grows while they
   * keep crashing.
   */
  const start = (): Promise<void> => {
    const startedAt = Date.now();
    let ready = false;
    const child = Bun.spawn([process.execPath, CLI, "server", ...serverArgs], {
      env,
      stdio: ["inherit", "inherit", "inherit"],
      ipc(message) {
        if ((message as { bifrost?: string })?.bifrost === "ready") ready = true;
      },
    });
    children.add(child);
    return child.exited.then(async (code) => {
      children.delete(child);
      if (!stopping && ready) {
        crashes = Date.now() - startedAt >= STABLE_UPTIME_MS ? 1 : crashes + 1;
        const wait = restartDelayMs(crashes);
        log.warn(`server process ${child.pid} exited with ${code ?? child.signalCode}; starting a new one in ${wait} ms`);
        await Promise.race([Bun.sleep(wait), stopped]);
        // Stopped during the wait: nothing left of this slot to stop.
        return stopping ? undefined : start();
      }
      codes.push(code ?? 1);
      // One server failing to start takes the others down with it: the configuration is at fault.
      if (!stopping && code !== 0) forward("SIGTERM");
    });
  };
  const forward = (sig: NodeJS.Signals) => {
    stopping = true;
    onStop();
    for (const c of children) c.kill(sig);
  };
  process.on("SIGTERM", () => forward("SIGTERM"));
  process.on("SIGINT", () => forward("SIGINT"));
  // SIGHUP asks each server to re-read its config file; it is not a stop.
  process.on("SIGHUP", () => children.forEach((c) => c.kill("SIGHUP")));
  await Promise.all(Array.from({ length: n }, start));
  sessionFile?.remove();
  process.exit(codes.find((c) => c !== 0) ?? 0);
}

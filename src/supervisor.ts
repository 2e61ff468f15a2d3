/**
 * The process that `bifrost server` starts first. Bun caps concurrent outbound fetches per process at
 * 256 unless BUN_CONFIG_MAX_HTTP_REQUESTS is set before start, which would silently queue a gateway's
 * upstream calls; so the supervisor starts the server process(es) with it set. With --cluster N it
 * starts N servers sharing the port (reusePort), so every core serves HTTP, and restarts one that dies.
 */
import { log } from "./log";

export const MAX_HTTP_REQUESTS = "65336";
const CLI = new URL("./cli.ts", import.meta.url).pathname;
/** A child that dies sooner than this after starting is failing to start (bad config): don't restart it. */
const MIN_HEALTHY_UPTIME_MS = 5_000;

export function needsSupervisor(env: Record<string, string | undefined>, cluster: number): boolean {
  return env.BIFROST_SUPERVISED !== "1" && (cluster > 1 || !env.BUN_CONFIG_MAX_HTTP_REQUESTS);
}

export async function supervise(serverArgs: string[], cluster: number): Promise<never> {
  const n = Math.max(1, cluster);
  const env = {
    ...process.env,
    BIFROST_SUPERVISED: "1",
    BUN_CONFIG_MAX_HTTP_REQUESTS: process.env.BUN_CONFIG_MAX_HTTP_REQUESTS ?? MAX_HTTP_REQUESTS,
    ...(n > 1 ? { BIFROST_REUSE_PORT: "1" } : {}),
  };
  let stopping = false;
  const children = new Set<ReturnType<typeof Bun.spawn>>();
  const codes: number[] = [];

  const start = (): Promise<void> => {
    const startedAt = Date.now();
    const child = Bun.spawn([process.execPath, CLI, "server", ...serverArgs], { env, stdio: ["inherit", "inherit", "inherit"] });
    children.add(child);
    return child.exited.then(async (code) => {
      children.delete(child);
      const healthy = Date.now() - startedAt >= MIN_HEALTHY_UPTIME_MS;
      if (!stopping && n > 1 && healthy) {
        log.warn(`server process ${child.pid} exited with ${code}; starting a new one`);
        return start();
      }
      codes.push(code ?? 1);
      // One server failing to start takes the others down with it: the configuration is at fault.
      if (!stopping && code !== 0) forward("SIGTERM");
    });
  };
  const forward = (sig: NodeJS.Signals) => {
    stopping = true;
    for (const c of children) c.kill(sig);
  };
  process.on("SIGTERM", () => forward("SIGTERM"));
  process.on("SIGINT", () => forward("SIGINT"));
  // SIGHUP asks each server to re-read its config file; it is not a stop.
  process.on("SIGHUP", () => children.forEach((c) => c.kill("SIGHUP")));
  await Promise.all(Array.from({ length: n }, start));
  process.exit(codes.find((c) => c !== 0) ?? 0);
}

#!/usr/bin/env bun
/** The `bifrost` command. `bifrost server [--config FILE] [--port N] [--host H] [--app-dir DIR] [--log-level L]`. */
import { parseArgs } from "node:util";
import { isLogLevel, log, setLogLevel } from "./log";
import { announceReady, exitOnConfigError, guardProcess, startServer } from "./server";
import { needsSupervisor, supervise } from "./supervisor";

const USAGE = `usage: bifrost server [--config FILE] [--port N] [--host H] [--app-dir DIR] [--log-level debug|info|warn|error] [--workers N] [--cluster N] [--reset-store]
       bifrost plugin new|list|search|add|remove|enable|disable …   (bifrost plugin --help)
       bifrost providers [--markdown]                               built-in providers and what each supports

  --config FILE     config.json in the Go Bifrost's format (env: BIFROST_CONFIG)
  --port N          port to listen on (env: PORT; default 8080)
  --host H          address to bind (env: HOST; default 127.0.0.1)
  --app-dir DIR     directory holding config.json (default: the current directory)
  --log-level L     debug, info, warn or error (default info)
  --workers N       provider worker threads per server process (default 0: provider calls run on the
                    server thread, which measured faster; see README "Performance")
  --cluster N       run N server processes sharing the port, so every core serves HTTP (default 1)
  --reset-store     seed the config store (config_store) from the config file again, dropping the
                    providers, keys and settings changed at runtime

SIGHUP re-reads the config file; an invalid file is rejected and the running config kept.

With no config file, providers are read from OPENAI_API_KEY, ANTHROPIC_API_KEY, GROQ_API_KEY, …`;

async function server(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: "string", short: "c" },
      port: { type: "string", short: "p" },
      host: { type: "string" },
      "app-dir": { type: "string" },
      "log-level": { type: "string" },
      workers: { type: "string" },
      cluster: { type: "string" },
      "reset-store": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return void console.log(USAGE);
  const level = values["log-level"] ?? process.env.BIFROST_LOG_LEVEL;
  if (level) {
    if (!isLogLevel(level)) fail(`--log-level: expected debug, info, warn or error, got "${level}"`);
    setLogLevel(level);
  }
  const port = values.port !== undefined ? toInt(values.port, "--port") : undefined;
  const workers = values.workers !== undefined ? toInt(values.workers, "--workers") : undefined;
  const cluster = values.cluster !== undefined ? toInt(values.cluster, "--cluster") : 1;
  if (needsSupervisor(process.env, cluster)) return supervise(withoutFlag(argv, "--cluster"), cluster);
  guardProcess();
  const running = await startServer({ config: values.config, port, host: values.host, appDir: values["app-dir"], workers, resetStore: values["reset-store"] }).catch(exitOnConfigError);
  const onSignal = (sig: string) => {
    log.info(`${sig} received: finishing in-flight requests`);
    running.stop().then(() => process.exit(0));
  };
  process.once("SIGTERM", () => onSignal("SIGTERM"));
  process.once("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGHUP", () => void running.reload());
  announceReady();
}

/** The arguments minus one flag and its value (the supervisor handles --cluster itself). */
function withoutFlag(argv: string[], flag: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag) i++;
    else if (!argv[i]!.startsWith(`${flag}=`)) out.push(argv[i]!);
  }
  return out;
}

function toInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) fail(`${flag}: expected a whole number, got "${v}"`);
  return n;
}

function fail(msg: string): never {
  process.stderr.write(`bifrost: ${msg}\n\n${USAGE}\n`);
  process.exit(2);
}

const [cmd, ...rest] = process.argv.slice(2);
try {
  switch (cmd) {
    case "server":
    case undefined:
      await server(rest);
      break;
    case "plugin": {
      // Loaded on demand: the server path never pays for the marketplace code.
      const { pluginCommand } = await import("./plugins/cli/index.ts");
      process.exit(await pluginCommand(rest));
    }
    case "providers": {
      const { providerRows, providerTableMarkdown } = await import("./providers/capabilities");
      console.log(rest.includes("--markdown") ? providerTableMarkdown() : JSON.stringify(providerRows(), null, 2));
      break;
    }
    case "help":
    case "--help":
    case "-h":
      console.log(USAGE);
      break;
    default:
      fail(`unknown command "${cmd}"`);
  }
} catch (err) {
  fail((err as Error).message);
}

/** The command line: subcommand, positionals and options, and where the plugins and config.json are. */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { usageError, type Io } from "./output";

export interface CliContext {
  command: string | undefined;
  args: string[];
  appDir: string;
  pluginsDir: string;
  configPath: string;
  json: boolean;
  force: boolean;
  /** add: let the package's (and its dependencies') install scripts run. */
  allowScripts: boolean;
  help: boolean;
  env: Record<string, string | undefined>;
  io: Io;
}

export function parseCommandLine(argv: string[], env: Record<string, string | undefined>, io: Io): CliContext {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        "plugins-dir": { type: "string" },
        config: { type: "string", short: "c" },
        "app-dir": { type: "string" },
        json: { type: "boolean" },
        force: { type: "boolean", short: "f" },
        "allow-scripts": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw usageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  const appDir = resolve(values["app-dir"] ?? env.BIFROST_APP_DIR ?? ".");
  return {
    command: positionals[0],
    args: positionals.slice(1),
    appDir,
    pluginsDir: pluginsDirFor(values["plugins-dir"], appDir, env),
    configPath: resolve(values.config ?? env.BIFROST_CONFIG ?? join(appDir, "config.json")),
    json: values.json ?? false,
    force: values.force ?? false,
    allowScripts: values["allow-scripts"] ?? false,
    help: values.help ?? false,
    env,
    io,
  };
}

/**
 * Where add/new/remove work: --plugins-dir, then $BIFROST_PLUGINS_DIR, then <app-dir>/plugins. The server
 * searches that folder first and the gateway's own plugins/ after it, so the built-in ones are never edited here.
 */
function pluginsDirFor(flag: string | undefined, appDir: string, env: Record<string, string | undefined>): string {
  return resolve(flag ?? env.BIFROST_PLUGINS_DIR ?? join(appDir, "plugins"));
}

/** The one positional a subcommand needs. */
export function requireArg(ctx: CliContext, what: string): string {
  const v = ctx.args[0];
  if (!v) throw usageError(`${ctx.command}: missing ${what}`);
  if (ctx.args.length > 1) throw usageError(`${ctx.command}: unexpected argument "${ctx.args[1]}"`);
  return v;
}

/** A plugin name as a folder name: no path separators, no "." or "..". */
export function requirePluginName(ctx: CliContext): string {
  const name = requireArg(ctx, "<name>");
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name === "." || name === "..") throw usageError(`${ctx.command}: "${name}" is not a plugin name`);
  return name;
}

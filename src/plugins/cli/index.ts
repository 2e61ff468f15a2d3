#!/usr/bin/env bun
/** `bifrost plugin …`: scaffold, list, search, add, remove, enable and disable plugin packages. */
import { addPlugin } from "./add";
import { listPlugins } from "./list";
import { newPlugin } from "./new";
import { parseCommandLine, type CliContext } from "./options";
import { CliError, processIo, safeIo, type Io } from "./output";
import { removePlugin } from "./remove";
import { searchPlugins } from "./search";
import { togglePlugin } from "./toggle";

export const USAGE = `usage: bifrost plugin <command> [options]

commands:
  new <name>                       create plugins/<name>/ with a working example plugin, its test and README
  list                             installed plugins, their version, and whether config.json enables them
  search [words…]                  npm packages with the keyword bifrost-plugin (registry: $BIFROST_NPM_REGISTRY)
  add <npm-name|path|tarball>      install into plugins/<name>, validate it, enable it in config.json
  remove <name>                    delete plugins/<name> and its config.json entry
  enable <name> / disable <name>   set plugins[].enabled in config.json

options:
  --app-dir DIR       the gateway's app directory (default: $BIFROST_APP_DIR or the current directory)
  --plugins-dir DIR   where plugin packages live (default: <app-dir>/plugins if it exists, else the gateway's plugins/)
  --config FILE       config.json to edit (default: $BIFROST_CONFIG or <app-dir>/config.json)
  --json              machine-readable output
  --force             add: replace an installed plugin of the same name
  --allow-scripts     add: run install scripts (off by default; they never see provider keys or BIFROST_* variables)`;

const COMMANDS: Record<string, (ctx: CliContext) => number | Promise<number>> = {
  new: newPlugin,
  list: listPlugins,
  ls: listPlugins,
  search: searchPlugins,
  add: addPlugin,
  install: addPlugin,
  remove: removePlugin,
  rm: removePlugin,
  enable: (ctx) => togglePlugin(ctx, true),
  disable: (ctx) => togglePlugin(ctx, false),
};

/** Runs one plugin subcommand; returns the exit code (0 ok, 1 failed, 2 misused). */
export async function pluginCommand(argv: string[], rawIo: Io = processIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  const io = safeIo(rawIo);
  try {
    const ctx = parseCommandLine(argv, env, io);
    if (ctx.help || ctx.command === "help") return io.out(USAGE), 0;
    if (!ctx.command) return io.err(USAGE), 2;
    const run = COMMANDS[ctx.command];
    if (!run) throw new CliError(`unknown command "${ctx.command}"`, 2);
    return await run(ctx);
  } catch (e) {
    const code = e instanceof CliError ? e.exitCode : 1;
    const hint = code === 2 ? " (see: bifrost plugin --help)" : "";
    io.err(`bifrost plugin: ${(e as Error).message}${hint}`);
    return code;
  }
}

if (import.meta.main) process.exit(await pluginCommand(process.argv.slice(2)));

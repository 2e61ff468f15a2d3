/** `bifrost plugin remove <name>`: delete plugins/<name> and its config.json entry. */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { discoverPlugins } from "../manifest";
import { readConfigFile, removeEntries, writeConfigFile } from "./config-file";
import { requirePluginName, type CliContext } from "./options";
import { CliError, printJson } from "./output";

export function removePlugin(ctx: CliContext): number {
  const name = requirePluginName(ctx);
  const found = discoverPlugins(ctx.pluginsDir).found.get(name);
  const dir = found?.dir ?? (existsSync(join(ctx.pluginsDir, name)) ? join(ctx.pluginsDir, name) : null);
  const cfg = readConfigFile(ctx.configPath);
  const removed = removeEntries(cfg, name);
  if (!dir && !removed) throw new CliError(`no plugin named "${name}" in ${ctx.pluginsDir} or in ${ctx.configPath}`);
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (removed) writeConfigFile(cfg);
  if (ctx.json) return printJson(ctx.io, { name, removed_dir: dir, removed_config_entries: removed, config: ctx.configPath }), 0;
  if (dir) ctx.io.out(`removed ${dir}`);
  if (removed) ctx.io.out(`removed ${name} from ${ctx.configPath}`);
  return 0;
}

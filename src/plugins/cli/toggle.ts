/** `bifrost plugin enable|disable <name>`: set plugins[].enabled in config.json. */
import { discoverPlugins, pluginSearchPath } from "../manifest";
import { findEntry, readConfigFile, setEnabled, writeConfigFile } from "./config-file";
import { requirePluginName, type CliContext } from "./options";
import { CliError, printJson } from "./output";

export function togglePlugin(ctx: CliContext, enabled: boolean): number {
  const name = requirePluginName(ctx);
  const cfg = readConfigFile(ctx.configPath);
  // An entry may point at a package elsewhere (`path`); without one, the package must be installed (or built in).
  if (!findEntry(cfg, name) && !discoverPlugins(pluginSearchPath(ctx.pluginsDir)).found.has(name)) {
    throw new CliError(`no plugin named "${name}" is installed in ${ctx.pluginsDir} (add it with: bifrost plugin add <npm-name|path|tarball>)`);
  }
  setEnabled(cfg, name, enabled);
  writeConfigFile(cfg);
  if (ctx.json) return printJson(ctx.io, { name, enabled, config: ctx.configPath }), 0;
  ctx.io.out(`${enabled ? "enabled" : "disabled"} ${name} in ${ctx.configPath}; restart the server to apply`);
  return 0;
}

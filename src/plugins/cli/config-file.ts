/** Editing plugins[] in config.json: every other key is kept as it was, written back as 2-space JSON. */
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CliError } from "./output";

export interface PluginEntryJson {
  name: string;
  enabled?: boolean;
  path?: string;
  config?: unknown;
  [k: string]: unknown;
}

export interface ConfigFile {
  path: string;
  exists: boolean;
  data: Record<string, unknown> & { plugins?: PluginEntryJson[] };
}

export function readConfigFile(path: string): ConfigFile {
  if (!existsSync(path)) return { path, exists: false, data: {} };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new CliError(`${path}: not valid JSON (${(e as Error).message}); fix it first, nothing was changed`);
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) throw new CliError(`${path}: expected a JSON object`);
  const plugins = (data as { plugins?: unknown }).plugins;
  if (plugins !== undefined && !Array.isArray(plugins)) throw new CliError(`${path}: "plugins" should be an array`);
  return { path, exists: true, data: data as ConfigFile["data"] };
}

export function entriesOf(cfg: ConfigFile): PluginEntryJson[] {
  return (cfg.data.plugins ?? []).filter((e) => e && typeof e === "object");
}

export function findEntry(cfg: ConfigFile, name: string): PluginEntryJson | undefined {
  return entriesOf(cfg).find((e) => e.name === name);
}

/** Set `enabled` on the plugin's entry, appending `{name, enabled, config: {}}` when it has none. */
export function setEnabled(cfg: ConfigFile, name: string, enabled: boolean): void {
  const entry = findEntry(cfg, name);
  if (entry) entry.enabled = enabled;
  else (cfg.data.plugins ??= []).push({ name, enabled, config: {} });
}

/** Drop every entry with this name; how many there were. */
export function removeEntries(cfg: ConfigFile, name: string): number {
  const before = cfg.data.plugins?.length ?? 0;
  if (cfg.data.plugins) cfg.data.plugins = cfg.data.plugins.filter((e) => e?.name !== name);
  return before - (cfg.data.plugins?.length ?? 0);
}

/**
 * Written whole to a temporary file and renamed, so a crash never leaves half a config. A symlinked
 * config.json is written through: the link's target is replaced (the temp file sits beside the target),
 * and the file keeps its mode; a new file is 0600, since config.json may hold provider keys.
 */
export function writeConfigFile(cfg: ConfigFile): void {
  const target = existsSync(cfg.path) ? realpathSync(cfg.path) : cfg.path;
  const mode = existsSync(target) ? statSync(target).mode & 0o7777 : 0o600;
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  mkdirSync(dirname(target), { recursive: true });
  try {
    writeFileSync(tmp, JSON.stringify(cfg.data, null, 2) + "\n", { mode: 0o600, flag: "wx" });
    chmodSync(tmp, mode);
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  cfg.exists = true;
}

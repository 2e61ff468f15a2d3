/** `bifrost plugin list`: installed packages, and whether config.json enables them. */
import { dirname } from "node:path";
import { BUILTIN_PLUGINS_DIR, discoverPlugins, packageDirOf, readPluginPackage, type PluginPackage } from "../manifest";
import { entriesOf, readConfigFile, type PluginEntryJson } from "./config-file";
import type { CliContext } from "./options";
import { printJson, table } from "./output";

interface Row {
  name: string;
  package: string | null;
  version: string | null;
  description: string | null;
  /** Listed in config.json's plugins[]. */
  configured: boolean;
  /** As config.json says (a missing package still fails to load). */
  enabled: boolean;
  path: string | null;
  status: "installed" | "missing";
}

export function listPlugins(ctx: CliContext): number {
  const { found, problems } = discoverPlugins(ctx.pluginsDir);
  const cfg = readConfigFile(ctx.configPath);
  const entries = entriesOf(cfg);
  const rows: Row[] = [...found.values()].map((p) => row(p, entries.find((e) => e.name === p.manifest.name)));
  // Configured but not in plugins/: loaded from a `path`, built in, or missing.
  const builtin = discoverPlugins(BUILTIN_PLUGINS_DIR).found;
  for (const e of entries) {
    if (found.has(e.name) || rows.some((r) => r.name === e.name)) continue;
    rows.push(row(e.path ? tryRead(e.path, dirname(ctx.configPath)) : (builtin.get(e.name) ?? null), e));
  }
  if (ctx.json) return printJson(ctx.io, { plugins_dir: ctx.pluginsDir, config: cfg.exists ? ctx.configPath : null, plugins: rows, problems }), 0;
  for (const p of problems) ctx.io.err(`warning: ${p}`);
  ctx.io.out(`plugins in ${ctx.pluginsDir}; config ${cfg.exists ? ctx.configPath : `${ctx.configPath} (not created yet)`}`);
  if (!rows.length) return ctx.io.out("no plugins installed (add one: bifrost plugin add <npm-name|path|tarball>)"), 0;
  const cells = rows.map((r) => [r.name, r.version ?? "missing", r.enabled ? "yes" : "no", r.description ?? ""]);
  ctx.io.out(table(["NAME", "VERSION", "ENABLED", "DESCRIPTION"], cells));
  return 0;
}

function row(p: PluginPackage | null, entry: PluginEntryJson | undefined): Row {
  return {
    name: p?.manifest.name ?? entry!.name,
    package: p?.packageName ?? null,
    version: p?.version ?? null,
    description: p ? (p.manifest.description ?? null) : "(not installed: in config.json, but no package found)",
    configured: !!entry,
    enabled: !!entry && entry.enabled !== false,
    path: p?.dir ?? null,
    status: p ? "installed" : "missing",
  };
}

function tryRead(path: string, base: string): PluginPackage | null {
  try {
    return readPluginPackage(packageDirOf(path, base));
  } catch {
    return null;
  }
}

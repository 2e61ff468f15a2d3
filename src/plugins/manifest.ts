/** Finding plugin packages and reading their manifests (package.json "bifrost" field). */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PLUGIN_API_VERSION, type PluginManifest } from "./types";

export interface PluginPackage {
  dir: string;
  /** npm package name. */
  packageName: string;
  version: string;
  manifest: PluginManifest;
  entryPath: string;
}

export class ManifestError extends Error {}

/** Read one plugin package; throws ManifestError saying what is wrong. */
export function readPluginPackage(dir: string): PluginPackage {
  const pkgPath = join(dir, "package.json");
  if (!existsSync(pkgPath)) throw new ManifestError(`${dir}: no package.json`);
  let pkg: any;
  try {
    pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
  } catch (e) {
    throw new ManifestError(`${pkgPath}: not valid JSON (${(e as Error).message})`);
  }
  const m = pkg.bifrost;
  if (!m || typeof m !== "object") throw new ManifestError(`${pkgPath}: no "bifrost" field; not a Bifrost plugin`);
  if (m.apiVersion !== PLUGIN_API_VERSION) {
    throw new ManifestError(`${pkgPath}: bifrost.apiVersion is ${JSON.stringify(m.apiVersion)}; this gateway supports ${PLUGIN_API_VERSION}`);
  }
  const name = typeof m.name === "string" && m.name ? m.name : String(pkg.name ?? "").replace(/^@[^/]+\//, "").replace(/^bifrost-plugin-/, "");
  if (!name) throw new ManifestError(`${pkgPath}: bifrost.name is missing`);
  const entry = m.entry ?? pkg.module ?? pkg.main ?? "index.ts";
  const entryPath = resolve(dir, entry);
  if (!existsSync(entryPath)) throw new ManifestError(`${pkgPath}: entry ${entry} does not exist`);
  return { dir, packageName: pkg.name ?? name, version: pkg.version ?? "0.0.0", manifest: { apiVersion: m.apiVersion, name, description: m.description, entry }, entryPath };
}

/** The plugins/ folder shipped with the gateway (guardrails, mocker, …). */
export const BUILTIN_PLUGINS_DIR = fileURLToPath(new URL("../../plugins", import.meta.url));

/** Where plugins are looked for: the app's folder first, then the built-in one (once, if they are the same). */
export function pluginSearchPath(appPluginsDir: string): string[] {
  const app = resolve(appPluginsDir);
  return app === resolve(BUILTIN_PLUGINS_DIR) ? [app] : [app, BUILTIN_PLUGINS_DIR];
}

export interface Discovered {
  found: Map<string, PluginPackage>;
  problems: string[];
  /** One line per plugin name found in more than one folder: the first folder's package is used. */
  shadowed: string[];
}

/**
 * Every plugin package directly under each folder, by plugin name; broken ones are reported, not thrown.
 * Folders are searched in order and a name found earlier wins (the app's plugins over the built-in ones).
 */
export function discoverPlugins(pluginsDirs: string | readonly string[]): Discovered {
  const found = new Map<string, PluginPackage>();
  const problems: string[] = [];
  const shadowed: string[] = [];
  for (const pluginsDir of typeof pluginsDirs === "string" ? [pluginsDirs] : pluginsDirs) {
    if (!existsSync(pluginsDir)) continue;
    for (const name of readdirSync(pluginsDir).sort()) {
      const dir = join(pluginsDir, name);
      if (name.startsWith(".") || !statSync(dir).isDirectory()) continue;
      try {
        const p = readPluginPackage(dir);
        const first = found.get(p.manifest.name);
        if (first) shadowed.push(`plugin ${p.manifest.name}: using ${first.dir}, not ${p.dir}`);
        else found.set(p.manifest.name, p);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
  }
  return { found, problems, shadowed };
}

/** The folders as one phrase for messages. */
export const describeDirs = (dirs: string | readonly string[]): string => (typeof dirs === "string" ? dirs : dirs.join(" or "));

/** plugins[].path: a package directory, or a file inside one. */
export function packageDirOf(path: string, base: string): string {
  const abs = isAbsolute(path) ? path : resolve(base, path);
  return existsSync(abs) && statSync(abs).isDirectory() ? abs : dirname(abs);
}

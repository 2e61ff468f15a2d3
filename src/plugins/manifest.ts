/** Finding plugin packages and reading their manifests (package.json "bifrost" field). */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
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

/** Every plugin package directly under `pluginsDir`, by plugin name; broken ones are reported, not thrown. */
export function discoverPlugins(pluginsDir: string): { found: Map<string, PluginPackage>; problems: string[] } {
  const found = new Map<string, PluginPackage>();
  const problems: string[] = [];
  if (!existsSync(pluginsDir)) return { found, problems };
  for (const name of readdirSync(pluginsDir).sort()) {
    const dir = join(pluginsDir, name);
    if (name.startsWith(".") || !statSync(dir).isDirectory()) continue;
    try {
      const p = readPluginPackage(dir);
      found.set(p.manifest.name, p);
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return { found, problems };
}

/** plugins[].path: a package directory, or a file inside one. */
export function packageDirOf(path: string, base: string): string {
  const abs = isAbsolute(path) ? path : resolve(base, path);
  return existsSync(abs) && statSync(abs).isDirectory() ? abs : dirname(abs);
}

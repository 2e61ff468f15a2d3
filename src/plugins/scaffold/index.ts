/** Scaffolding a plugin package: `bifrost plugin new <name>` lands here. */
import { existsSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { discoverPlugins } from "../manifest";
import { indexTestTs, indexTs, packageJson, readme, type TemplateVars } from "./templates";

export class ScaffoldError extends Error {}

/** The gateway package this scaffold belongs to: what "bifrost" and "bifrost/plugin" must resolve to. */
const HOST_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Lowercase letters, digits and single dashes, starting with a letter: also valid in an npm name. */
export function validatePluginName(name: string): void {
  if (!NAME.test(name) || name.length > 50) {
    throw new ScaffoldError(`invalid plugin name "${name}": use lowercase letters, digits and dashes, starting with a letter (at most 50 characters)`);
  }
}

export interface Scaffolded {
  dir: string;
  files: string[];
}

/** Create <pluginsDir>/<name>/ with a working plugin, its test and its README; never overwrites. */
export function scaffoldPlugin(name: string, pluginsDir: string): Scaffolded {
  validatePluginName(name);
  const dir = resolve(pluginsDir, name);
  if (existsSync(dir)) throw new ScaffoldError(`${dir} already exists; choose another name or remove it first`);
  if (discoverPlugins(pluginsDir).found.has(name)) throw new ScaffoldError(`a plugin named "${name}" is already installed in ${pluginsDir}`);
  mkdirSync(dir, { recursive: true });
  const vars: TemplateVars = { name, hostLink: resolvesToHost(dir) ? null : linkHost(dir) };
  const files: Record<string, string> = {
    "package.json": packageJson(vars),
    "index.ts": indexTs(vars),
    "index.test.ts": indexTestTs(vars),
    "README.md": readme(vars),
  };
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return { dir, files: [...Object.keys(files), ...(vars.hostLink ? ["node_modules/bifrost"] : [])] };
}

/** Whether "bifrost" already resolves from `dir` to this gateway (a plugins/ folder inside its checkout). */
function resolvesToHost(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    const found = join(d, "node_modules", "bifrost");
    if (existsSync(found)) return realpathSync(found) === realpathSync(HOST_ROOT);
    if (dirname(d) === d) return false;
  }
}

/** node_modules/bifrost → this gateway, as `bun install` makes it for the package's devDependency; returns that dependency's path. */
function linkHost(dir: string): string {
  const modules = join(dir, "node_modules");
  mkdirSync(modules);
  symlinkSync(relative(modules, HOST_ROOT) || ".", join(modules, "bifrost"), "dir");
  return relative(dir, HOST_ROOT).replaceAll("\\", "/");
}

/** Scaffolding a plugin package: `bifrost plugin new <name>` lands here. */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { discoverPlugins } from "../manifest";
import { indexTestTs, indexTs, packageJson, readme, type TemplateVars } from "./templates";

export class ScaffoldError extends Error {}

/** The gateway's library entry, which the new plugin's test imports. */
const HOST_ENTRY = fileURLToPath(new URL("../../index.ts", import.meta.url));

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
  const vars: TemplateVars = { name, hostImport: hostImportFrom(dir) };
  const files: Record<string, string> = {
    "package.json": packageJson(vars),
    "index.ts": indexTs(vars),
    "index.test.ts": indexTestTs(vars),
    "README.md": readme(vars),
  };
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return { dir, files: Object.keys(files) };
}

/** The import specifier of the host's src/index from `dir`, e.g. "../../src/index". */
function hostImportFrom(dir: string): string {
  const rel = relative(dir, HOST_ENTRY).replaceAll("\\", "/").replace(/\.ts$/, "");
  return rel.startsWith(".") ? rel : `./${rel}`;
}

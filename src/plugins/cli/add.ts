/** `bifrost plugin add <npm-name|path|tarball>`: install into plugins/<name>, validate, enable in config.json. */
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { discoverPlugins, ManifestError, readPluginPackage, type PluginPackage } from "../manifest";
import { readConfigFile, setEnabled, writeConfigFile } from "./config-file";
import { fetchPackage, installEnv, lastLine, run, unpackLimits } from "./fetch-package";
import { requireArg, type CliContext } from "./options";
import { CliError, printJson } from "./output";

const NOT_COPIED = new Set(["node_modules", ".git"]);

export async function addPlugin(ctx: CliContext): Promise<number> {
  const spec = requireArg(ctx, "<npm-name|path|tarball>");
  const staging = mkdtempSync(join(tmpdir(), "bifrost-plugin-add-"));
  try {
    const fetched = await fetchPackage(spec, staging, ctx.env);
    const pkg = validate(fetched.dir, spec);
    const name = pkg.manifest.name;
    if (!/^[A-Za-z0-9._-]+$/.test(name) || name === "." || name === "..") throw new CliError(`${spec}: plugin name "${name}" cannot be a folder name`);
    const target = join(ctx.pluginsDir, name);
    const existing = discoverPlugins(ctx.pluginsDir).found.get(name);
    if (existing || existsSync(target)) {
      if (!ctx.force) throw new CliError(`plugin "${name}" is already installed in ${existing?.dir ?? target}; remove it first or pass --force`);
      for (const dir of new Set([existing?.dir, target])) if (dir) rmSync(dir, { recursive: true, force: true });
    }
    mkdirSync(ctx.pluginsDir, { recursive: true });
    copyPackage(fetched.dir, target, unpackLimits(ctx.env).maxBytes, spec);
    const installed = await installDependencies(target, ctx).then(
      () => validate(target, spec),
      (e) => {
        rmSync(target, { recursive: true, force: true });
        throw e;
      },
    );
    const cfg = readConfigFile(ctx.configPath);
    setEnabled(cfg, name, true);
    writeConfigFile(cfg);
    if (ctx.json) return printJson(ctx.io, { name, package: installed.packageName, version: installed.version, path: target, source: fetched.source, config: ctx.configPath, enabled: true }), 0;
    ctx.io.out(`added ${name} (${installed.packageName}@${installed.version}) to ${target}`);
    ctx.io.out(`enabled in ${ctx.configPath}; restart the server to load it`);
    return 0;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The manifest check the server runs at start-up, with the user's spec in the message instead of a temp path. */
function validate(dir: string, spec: string): PluginPackage {
  try {
    return readPluginPackage(dir);
  } catch (e) {
    if (e instanceof ManifestError) throw new CliError(`${spec} is not a usable Bifrost plugin: ${e.message.replaceAll(dir, spec)}`);
    throw e;
  }
}

/**
 * Files and folders only: symbolic links (which could point anywhere) and special files are left out,
 * setuid/setgid/sticky bits dropped, and the copy refused past the unpacked-size limit.
 */
function copyPackage(from: string, target: string, maxBytes: number, spec: string): void {
  let bytes = 0;
  const filter = (src: string) => {
    if (NOT_COPIED.has(basename(src))) return false;
    const st = lstatSync(src);
    if (st.isFile() && (bytes += st.size) > maxBytes) throw new CliError(`${spec} is larger than ${maxBytes} bytes (the limit; set BIFROST_PLUGIN_MAX_UNPACKED_MB to change it)`);
    return st.isFile() || st.isDirectory();
  };
  try {
    cpSync(from, target, { recursive: true, filter });
  } catch (e) {
    rmSync(target, { recursive: true, force: true });
    throw e;
  }
  for (const rel of readdirSync(target, { recursive: true, encoding: "utf8" })) {
    const path = join(target, rel);
    const { mode } = lstatSync(path);
    if (mode & 0o7000) chmodSync(path, mode & 0o777);
  }
}

/**
 * Only packages with dependencies need an install; production ones only. Install scripts (the package's
 * own and its dependencies') run only with --allow-scripts, and never with more than installEnv().
 */
async function installDependencies(dir: string, ctx: CliContext): Promise<void> {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  if (!pkg.dependencies || !Object.keys(pkg.dependencies).length) return;
  const cmd = [process.execPath, "install", "--production", ...(ctx.allowScripts ? [] : ["--ignore-scripts"])];
  const r = await run(cmd, dir, installEnv(ctx.env));
  if (r.code !== 0) throw new CliError(`${cmd.slice(1).join(" ")} failed in ${dir}: ${lastLine(r.stderr) || `exit code ${r.code}`}`);
}

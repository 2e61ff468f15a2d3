/** Getting a plugin package onto disk from what `add` was given: a directory, a .tgz, or an npm name. */
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { CliError } from "./output";
import { unpackTgz, type UnpackLimits } from "./unpack";

/** Scoped or plain npm name, optionally @version or @tag. */
const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*(?:@[^\s/]+)?$/;

export interface Fetched {
  /** The package's directory (read-only: `add` copies from it). */
  dir: string;
  source: "directory" | "tarball" | "npm";
}

export async function fetchPackage(spec: string, staging: string, env: Record<string, string | undefined>): Promise<Fetched> {
  const path = resolve(spec);
  const limits = unpackLimits(env);
  if (existsSync(path) && statSync(path).isDirectory()) return { dir: path, source: "directory" };
  if (/\.(tgz|tar\.gz)$/.test(spec)) {
    if (!existsSync(path)) throw new CliError(`no such file: ${spec}`);
    return { dir: await extract(path, staging, limits), source: "tarball" };
  }
  if (/^[./~]/.test(spec) || spec.includes("\\")) throw new CliError(`no such directory: ${spec}`);
  if (!NPM_NAME.test(spec)) throw new CliError(`"${spec}" is not a directory, a .tgz file or an npm package name`);
  return { dir: await extract(await npmPack(spec, staging, env), staging, limits), source: "npm" };
}

/** 100 MB and 10,000 entries unpacked, unless BIFROST_PLUGIN_MAX_UNPACKED_MB says otherwise. */
export function unpackLimits(env: Record<string, string | undefined>): UnpackLimits {
  const mb = Number(env.BIFROST_PLUGIN_MAX_UNPACKED_MB);
  return { maxBytes: (mb > 0 ? mb : 100) * 1024 * 1024, maxEntries: 10_000 };
}

/** Variables a package manager needs (and nothing like a key): locale, paths, proxies, CA certificates. */
const PASSED = /^(PATH|HOME|USER|LOGNAME|SHELL|LANG|LANGUAGE|LC_[A-Z_]+|TERM|TZ|TMPDIR|TMP|TEMP|XDG_CACHE_HOME|XDG_CONFIG_HOME|BUN_INSTALL|BUN_INSTALL_CACHE_DIR|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|(HTTPS?|NO|ALL)_PROXY|SYSTEMROOT|APPDATA|LOCALAPPDATA|USERPROFILE)$/i;
/** Never passed, even when the name is allowed above. */
const SECRET = /^BIFROST_|API_?KEY|SECRET|TOKEN|PASSW(OR)?D|CREDENTIAL|PRIVATE|AUTH/i;

/**
 * The environment `npm pack` and `bun install` (and so any install script) get: an allowlist, minus
 * anything that looks like a secret. Provider keys, BIFROST_* settings and tokens never reach package code.
 */
export function installEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && PASSED.test(k) && !SECRET.test(k)) out[k] = v;
  return out;
}

/** `npm pack` downloads the package's tarball without installing anything. */
async function npmPack(name: string, staging: string, env: Record<string, string | undefined>): Promise<string> {
  if (!Bun.which("npm")) throw new CliError("fetching from the npm registry needs `npm` on PATH; or pass a directory or a .tgz file");
  const dest = join(staging, "pack");
  mkdirSync(dest);
  const registry = env.BIFROST_NPM_REGISTRY ? ["--registry", env.BIFROST_NPM_REGISTRY] : [];
  // --ignore-scripts: a spec npm resolves to a folder or git checkout would otherwise run its prepack/prepare.
  const r = await run(["npm", "pack", name, "--ignore-scripts", "--pack-destination", dest, ...registry], staging, installEnv(env));
  const tgz = readdirSync(dest).find((f) => f.endsWith(".tgz"));
  if (r.code !== 0 || !tgz) throw new CliError(`npm pack ${name} failed: ${lastLine(r.stderr) || `exit code ${r.code}`}`);
  return join(dest, tgz);
}

/** npm tarballs hold a package/ folder; other tarballs one top folder, or the files themselves. */
async function extract(tgz: string, staging: string, limits: UnpackLimits): Promise<string> {
  const out = join(staging, "unpacked");
  mkdirSync(out);
  await unpackTgz(tgz, out, limits);
  if (existsSync(join(out, "package", "package.json"))) return join(out, "package");
  if (existsSync(join(out, "package.json"))) return out;
  const dirs = readdirSync(out).filter((f) => statSync(join(out, f)).isDirectory());
  if (dirs.length === 1 && existsSync(join(out, dirs[0]!, "package.json"))) return join(out, dirs[0]!);
  throw new CliError(`${tgz} holds no package.json`);
}

export async function run(cmd: string[], cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = Bun.spawn(cmd, { cwd, env, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

export function lastLine(text: string): string {
  return text.trim().split("\n").filter(Boolean).at(-1) ?? "";
}

/** Getting a plugin package onto disk from what `add` was given: a directory, a .tgz, or an npm name. */
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { CliError } from "./output";

/** Scoped or plain npm name, optionally @version or @tag. */
const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*(?:@[^\s/]+)?$/;

export interface Fetched {
  /** The package's directory (read-only: `add` copies from it). */
  dir: string;
  source: "directory" | "tarball" | "npm";
}

export async function fetchPackage(spec: string, staging: string, env: Record<string, string | undefined>): Promise<Fetched> {
  const path = resolve(spec);
  if (existsSync(path) && statSync(path).isDirectory()) return { dir: path, source: "directory" };
  if (/\.(tgz|tar\.gz)$/.test(spec)) {
    if (!existsSync(path)) throw new CliError(`no such file: ${spec}`);
    return { dir: await extract(path, staging), source: "tarball" };
  }
  if (/^[./~]/.test(spec) || spec.includes("\\")) throw new CliError(`no such directory: ${spec}`);
  if (!NPM_NAME.test(spec)) throw new CliError(`"${spec}" is not a directory, a .tgz file or an npm package name`);
  return { dir: await extract(await npmPack(spec, staging, env), staging), source: "npm" };
}

/** `npm pack` downloads the package's tarball without installing anything. */
async function npmPack(name: string, staging: string, env: Record<string, string | undefined>): Promise<string> {
  if (!Bun.which("npm")) throw new CliError("fetching from the npm registry needs `npm` on PATH; or pass a directory or a .tgz file");
  const dest = join(staging, "pack");
  mkdirSync(dest);
  const registry = env.BIFROST_NPM_REGISTRY ? ["--registry", env.BIFROST_NPM_REGISTRY] : [];
  const r = await run(["npm", "pack", name, "--pack-destination", dest, ...registry], staging);
  const tgz = readdirSync(dest).find((f) => f.endsWith(".tgz"));
  if (r.code !== 0 || !tgz) throw new CliError(`npm pack ${name} failed: ${lastLine(r.stderr) || `exit code ${r.code}`}`);
  return join(dest, tgz);
}

/** npm tarballs hold a package/ folder; other tarballs one top folder, or the files themselves. */
async function extract(tgz: string, staging: string): Promise<string> {
  const out = join(staging, "unpacked");
  mkdirSync(out);
  const r = await run(["tar", "-xzf", tgz, "-C", out], staging);
  if (r.code !== 0) throw new CliError(`could not extract ${tgz}: ${lastLine(r.stderr) || `tar exit code ${r.code}`}`);
  if (existsSync(join(out, "package", "package.json"))) return join(out, "package");
  if (existsSync(join(out, "package.json"))) return out;
  const dirs = readdirSync(out).filter((f) => statSync(join(out, f)).isDirectory());
  if (dirs.length === 1 && existsSync(join(out, dirs[0]!, "package.json"))) return join(out, dirs[0]!);
  throw new CliError(`${tgz} holds no package.json`);
}

export async function run(cmd: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = Bun.spawn(cmd, { cwd, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

function lastLine(text: string): string {
  return text.trim().split("\n").filter(Boolean).at(-1) ?? "";
}

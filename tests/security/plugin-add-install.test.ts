/**
 * Issue 11, finding 2: `bifrost plugin add` runs no install scripts unless --allow-scripts, and then without
 * provider keys; unpacked trees hold no links and no setuid bits; the unpacked size is capped.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pluginCommand } from "../../src/plugins/cli";
import { installEnv, unpackLimits } from "../../src/plugins/cli/fetch-package";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

const SECRETS = { OPENAI_API_KEY: "sk-provider-key", ANTHROPIC_API_KEY: "sk-ant", AWS_SECRET_ACCESS_KEY: "aws", GITHUB_TOKEN: "ghp", BIFROST_ADMIN_PASSWORD: "pw", BIFROST_CONFIG: "/x" };
const ENV = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...SECRETS };

async function add(spec: string, extra: string[] = [], env: Record<string, string> = {}): Promise<{ code: number; app: string; err: string }> {
  const app = temp("bifrost-sec-add-app-");
  mkdirSync(join(app, "plugins"));
  let err = "";
  const code = await pluginCommand(["add", spec, "--app-dir", app, ...extra], { out: () => {}, err: (t) => void (err += t + "\n") }, { ...ENV, ...env });
  return { code, app, err };
}

/** A plugin package folder; `files` maps relative paths to contents. */
function pkgDir(pkg: Record<string, unknown>, files: Record<string, string> = {}): string {
  const dir = temp("bifrost-sec-add-src-");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ version: "1.0.0", ...pkg }));
  writeFileSync(join(dir, "index.ts"), "export default {};\n");
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

/** `tar -czf` of a folder's contents under package/, as npm packs them (GNU tar keeps links and mode bits). */
async function tgzOf(dir: string): Promise<string> {
  const out = join(temp("bifrost-sec-add-tgz-"), "p.tgz");
  const p = Bun.spawnSync(["tar", "-czf", out, "--transform", "s,^\\.,package,", "-C", dir, "."]);
  expect(p.exitCode).toBe(0);
  return out;
}

/** A postinstall that records the environment it saw; a dependency so `bun install` runs at all. */
function scripted(): string {
  const helper = pkgDir({ name: "local-helper" });
  const record = `bun -e "require('fs').writeFileSync('ran.json', JSON.stringify(process.env))"`;
  return pkgDir({ name: "bifrost-plugin-scripted", dependencies: { "local-helper": `file:${helper}` }, scripts: { preinstall: record, postinstall: record }, bifrost: { apiVersion: 1, name: "scripted" } });
}

describe("plugin add: install scripts", () => {
  test("install scripts do not run without --allow-scripts", async () => {
    for (const spec of [scripted(), await tgzOf(scripted())]) {
      const r = await add(spec);
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
      expect(existsSync(join(r.app, "plugins", "scripted", "node_modules", "local-helper"))).toBe(true);
      expect(existsSync(join(r.app, "plugins", "scripted", "ran.json"))).toBe(false);
    }
  });

  test("with --allow-scripts, install scripts run without provider keys, tokens or BIFROST_* variables", async () => {
    const r = await add(scripted(), ["--allow-scripts"]);
    expect(r.code).toBe(0);
    const seen = JSON.parse(readFileSync(join(r.app, "plugins", "scripted", "ran.json"), "utf8"));
    for (const k of Object.keys(SECRETS)) expect(seen[k]).toBeUndefined();
    expect(seen.PATH).toBeDefined();
  });

  test("installEnv keeps what a package manager needs and drops secrets", () => {
    const env = installEnv({ ...ENV, LANG: "C.UTF-8", HTTPS_PROXY: "http://proxy:3128", NPM_TOKEN: "t", MY_DB_PASSWORD: "p", RANDOM_APP_SETTING: "x" });
    expect(Object.keys(env).sort()).toEqual(["HOME", "HTTPS_PROXY", "LANG", "PATH"]);
  });
});

describe("plugin add: links and setuid bits", () => {
  test("tarball with a symbolic link is refused, nothing installed", async () => {
    const dir = pkgDir({ name: "bifrost-plugin-linky", bifrost: { apiVersion: 1, name: "linky" } });
    symlinkSync("/etc/passwd", join(dir, "passwd"));
    const r = await add(await tgzOf(dir));
    expect(r.code).toBe(1);
    expect(r.err).toContain('"package/passwd" is a symbolic link');
    expect(readdirSync(join(r.app, "plugins"))).toEqual([]);
  });

  test("tarball with a hard link is refused", async () => {
    const dir = pkgDir({ name: "bifrost-plugin-hard", bifrost: { apiVersion: 1, name: "hard" } });
    linkSync(join(dir, "index.ts"), join(dir, "same.ts"));
    const r = await add(await tgzOf(dir));
    expect(r.code).toBe(1);
    expect(r.err).toContain("is a hard link");
  });

  test("tarball entry outside the package folder is refused", async () => {
    const dir = pkgDir({ name: "bifrost-plugin-escape", bifrost: { apiVersion: 1, name: "escape" } });
    const out = join(temp("bifrost-sec-add-tgz-"), "p.tgz");
    expect(Bun.spawnSync(["tar", "-czf", out, "-C", dir, "--transform", "s,^index,../../escaped,", "package.json", "index.ts"]).exitCode).toBe(0);
    const r = await add(out);
    expect(r.code).toBe(1);
    expect(r.err).toContain("would be written outside the package folder");
  });

  test("setuid/setgid bits are stripped (tarball and directory), symlinks in a directory are not copied", async () => {
    const dir = pkgDir({ name: "bifrost-plugin-suid", bifrost: { apiVersion: 1, name: "suid" } }, { "tool.sh": "#!/bin/sh\n" });
    chmodSync(join(dir, "tool.sh"), 0o6755);
    const tgz = await tgzOf(dir);
    symlinkSync("/etc/passwd", join(dir, "passwd"));
    for (const spec of [tgz, dir]) {
      const r = await add(spec);
      expect(r.code).toBe(0);
      expect(statSync(join(r.app, "plugins", "suid", "tool.sh")).mode & 0o7777).toBe(0o755);
      expect(existsSync(join(r.app, "plugins", "suid", "passwd"))).toBe(false);
    }
  });
});

describe("plugin add: unpacked size cap", () => {
  test("default cap is 100 MB; BIFROST_PLUGIN_MAX_UNPACKED_MB changes it", () => {
    expect(unpackLimits({}).maxBytes).toBe(100 * 1024 * 1024);
    expect(unpackLimits({ BIFROST_PLUGIN_MAX_UNPACKED_MB: "5" }).maxBytes).toBe(5 * 1024 * 1024);
  });

  test("tarball unpacking past the cap is refused while unpacking, nothing installed", async () => {
    const dir = pkgDir({ name: "bifrost-plugin-bomb", bifrost: { apiVersion: 1, name: "bomb" } });
    writeFileSync(join(dir, "zeros.bin"), new Uint8Array(3 * 1024 * 1024));
    const tgz = await tgzOf(dir);
    expect(statSync(tgz).size).toBeLessThan(64 * 1024);
    const r = await add(tgz, [], { BIFROST_PLUGIN_MAX_UNPACKED_MB: "1" });
    expect(r.code).toBe(1);
    expect(r.err).toContain("unpacks to more than 1048576 bytes");
    expect(readdirSync(join(r.app, "plugins"))).toEqual([]);
    // Within the cap, the same package installs.
    expect((await add(tgz, [], { BIFROST_PLUGIN_MAX_UNPACKED_MB: "4" })).code).toBe(0);
  });

  test("a directory past the cap is refused", async () => {
    const dir = pkgDir({ name: "bifrost-plugin-big", bifrost: { apiVersion: 1, name: "big" } });
    writeFileSync(join(dir, "zeros.bin"), new Uint8Array(2 * 1024 * 1024));
    const r = await add(dir, [], { BIFROST_PLUGIN_MAX_UNPACKED_MB: "1" });
    expect(r.code).toBe(1);
    expect(r.err).toContain("is larger than 1048576 bytes");
    expect(readdirSync(join(r.app, "plugins"))).toEqual([]);
  });
});

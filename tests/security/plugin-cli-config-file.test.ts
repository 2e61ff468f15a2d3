/** Issue 11, finding 3: `plugin enable/add/remove` keep config.json's mode and write through a symlinked config. */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pluginCommand } from "../../src/plugins/cli";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** An app dir with plugins/one-plugin installed; `plugin <args>` run in it. */
function app(): { dir: string; cli(...args: string[]): Promise<number> } {
  const dir = mkdtempSync(join(tmpdir(), "bifrost-sec-config-"));
  made.push(dir);
  mkdirSync(join(dir, "plugins", "one"), { recursive: true });
  writeFileSync(join(dir, "plugins", "one", "package.json"), JSON.stringify({ name: "bifrost-plugin-one", version: "1.0.0", bifrost: { apiVersion: 1, name: "one" } }));
  writeFileSync(join(dir, "plugins", "one", "index.ts"), "export default {};\n");
  const io = { out: () => {}, err: () => {} };
  return { dir, cli: (...args) => pluginCommand([...args, "--app-dir", dir], io, {}) };
}

const mode = (path: string) => statSync(path).mode & 0o777;
const secret = { providers: { openai: { keys: [{ value: "sk-secret" }] } } };

describe("config.json written by the plugin CLI", () => {
  test("enable keeps config.json mode 0600 (and 0640)", async () => {
    for (const m of [0o600, 0o640]) {
      const a = app();
      const path = join(a.dir, "config.json");
      writeFileSync(path, JSON.stringify(secret));
      chmodSync(path, m);
      expect(await a.cli("enable", "one")).toBe(0);
      expect(mode(path)).toBe(m);
      expect(await a.cli("disable", "one")).toBe(0);
      expect(mode(path)).toBe(m);
      expect(await a.cli("remove", "one")).toBe(0);
      expect(mode(path)).toBe(m);
    }
  });

  test("a config.json the CLI creates is 0600", async () => {
    const a = app();
    expect(await a.cli("enable", "one")).toBe(0);
    expect(mode(join(a.dir, "config.json"))).toBe(0o600);
  });

  test("symlinked config.json is written through the link, target keeps its mode, no temp files left", async () => {
    const a = app();
    const elsewhere = mkdtempSync(join(tmpdir(), "bifrost-sec-config-target-"));
    made.push(elsewhere);
    const target = join(elsewhere, "real-config.json");
    writeFileSync(target, JSON.stringify(secret));
    chmodSync(target, 0o600);
    const link = join(a.dir, "config.json");
    symlinkSync(target, link);
    expect(await a.cli("enable", "one")).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, "utf8"))).toEqual({ ...secret, plugins: [{ name: "one", enabled: true, config: {} }] });
    expect(mode(target)).toBe(0o600);
    expect(readdirSync(elsewhere)).toEqual(["real-config.json"]);
    expect(readdirSync(a.dir).sort()).toEqual(["config.json", "plugins"]);
  });
});

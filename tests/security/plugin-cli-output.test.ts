/** Issue 11, finding 4: `plugin search/list` print package text (registry, package.json) without terminal escapes. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pluginCommand } from "../../src/plugins/cli";
import { stripControls } from "../../src/plugins/cli/output";

/** Colours, a screen clear, a window title (OSC), an OSC 52 clipboard write, an 8-bit CSI, a bidi override, a carriage return. */
const EVIL = "\x1b[31mred\x1b[0m \x1b[2J\x1b]0;pwned\x07 \x1b]52;c;ZWNobyBoaQ==\x1b\\ \x9b31m\u202Eevil\r\n\x07done";
const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

let registry: ReturnType<typeof Bun.serve>;
const made: string[] = [];
beforeAll(() => {
  registry = Bun.serve({
    port: 0,
    fetch: () => Response.json({ objects: [{ package: { name: `bifrost-plugin-\x1b[8mhidden`, version: "1.0.0\x1b[1A", description: EVIL } }], total: 1 }),
  });
});
afterAll(() => {
  registry.stop(true);
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await pluginCommand(args, { out: (t) => void (out += t + "\n"), err: (t) => void (err += t + "\n") }, env);
  return { code, out, err };
}

function appWithEvilPlugin(): string {
  const app = mkdtempSync(join(tmpdir(), "bifrost-sec-output-"));
  made.push(app);
  mkdirSync(join(app, "plugins", "evil"), { recursive: true });
  writeFileSync(join(app, "plugins", "evil", "package.json"), JSON.stringify({ name: "bifrost-plugin-evil", version: "1.0.0", bifrost: { apiVersion: 1, name: "evil", description: EVIL } }));
  writeFileSync(join(app, "plugins", "evil", "index.ts"), "export default {};\n");
  // A broken package next to it: its error message (printed as a warning) carries package text too.
  mkdirSync(join(app, "plugins", "broken"));
  writeFileSync(join(app, "plugins", "broken", "package.json"), JSON.stringify({ bifrost: { apiVersion: "\x1b]0;title\x07" } }));
  return app;
}

describe("plugin CLI output", () => {
  test("stripControls removes ESC sequences and control characters, keeps the text", () => {
    expect(stripControls(EVIL)).toBe("red   31mevil\ndone");
    expect(stripControls("plain ünïcødé text\nline two")).toBe("plain ünïcødé text\nline two");
  });

  test("search output strips terminal escapes from registry names and descriptions", async () => {
    const r = await cli(["search", "x"], { BIFROST_NPM_REGISTRY: `http://127.0.0.1:${registry.port}` });
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(RAW_CONTROL);
    expect(r.out).toContain("bifrost-plugin-hidden");
    expect(r.out).toMatch(/bifrost-plugin-hidden\s+1\.0\.0\s+red\s+31mevil done/);
  });

  test("search --json escapes controls (JSON escaping, data intact)", async () => {
    const r = await cli(["search", "x", "--json"], { BIFROST_NPM_REGISTRY: `http://127.0.0.1:${registry.port}` });
    expect(r.out).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(r.out).results[0].description).toBe(EVIL);
  });

  test("list output strips terminal escapes from package.json descriptions and problems", async () => {
    const app = appWithEvilPlugin();
    const r = await cli(["list", "--app-dir", app]);
    expect(r.code).toBe(0);
    expect(r.out + r.err).not.toMatch(RAW_CONTROL);
    expect(r.out).toMatch(/evil\s+1\.0\.0\s+no\s+red\s+31mevil done/);
    const json = await cli(["list", "--json", "--app-dir", app]);
    expect(json.out).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(json.out).plugins[0].description).toBe(EVIL);
  });
});

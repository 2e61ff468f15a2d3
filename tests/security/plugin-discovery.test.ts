/** Issue 11, finding 1: an app's plugins/ folder must not hide the built-in plugins, and a required plugin that is missing stops the server. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runGatewayToExit, startGateway } from "../support/gateway";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** An app dir whose plugins/ holds one user plugin, "stamp", and optionally one named "mocker" (shadowing the built-in). */
function appWith(plugins: unknown[], opts: { shadowMocker?: boolean } = {}): string {
  const app = mkdtempSync(join(tmpdir(), "bifrost-sec-discovery-"));
  made.push(app);
  const plugin = (folder: string, name: string, description: string) => {
    mkdirSync(join(app, "plugins", folder), { recursive: true });
    writeFileSync(join(app, "plugins", folder, "package.json"), JSON.stringify({ name: `bifrost-plugin-${folder}`, version: "9.9.9", bifrost: { apiVersion: 1, name, description } }));
    writeFileSync(join(app, "plugins", folder, "index.ts"), `export default { name: ${JSON.stringify(name)}, setup: () => ({}) };\n`);
  };
  plugin("stamp", "stamp", "the app's own plugin");
  if (opts.shadowMocker) plugin("my-mocker", "mocker", "the app's mocker");
  writeFileSync(join(app, "config.json"), JSON.stringify({ plugins }, null, 2));
  return app;
}

describe("plugin discovery: app plugins first, then the built-in ones", () => {
  test("app plugins dir does not hide built-in guardrails", async () => {
    const app = appWith([
      { name: "stamp", enabled: true, config: {} },
      { name: "guardrails", enabled: true, required: true, config: {} },
    ]);
    const gw = await startGateway({ args: ["--app-dir", app] });
    try {
      const list = (await (await fetch(`${gw.url}/api/plugins`)).json()) as any;
      const plugins = list.plugins ?? list.data ?? list;
      const state = Object.fromEntries(plugins.map((p: any) => [p.name, p.state]));
      expect(state).toMatchObject({ stamp: "active", guardrails: "active" });
    } finally {
      await gw.stop();
    }
  });

  test("a name in both folders is the app's, with a log line naming both", async () => {
    const app = appWith([{ name: "mocker", enabled: true, config: {} }], { shadowMocker: true });
    const gw = await startGateway({ args: ["--app-dir", app] });
    try {
      const list = (await (await fetch(`${gw.url}/api/plugins`)).json()) as any;
      const mocker = (list.plugins ?? list.data ?? list).find((p: any) => p.name === "mocker");
      expect(mocker.version).toBe("9.9.9");
      expect(gw.output()).toContain(`plugin mocker: using ${join(app, "plugins", "my-mocker")}, not `);
    } finally {
      await gw.stop();
    }
  });

  test("required plugin missing refuses to start: exit 1, one line", async () => {
    const app = appWith([{ name: "not-installed-anywhere", enabled: true, required: true, config: {} }]);
    const { code, output } = await runGatewayToExit(["--app-dir", app, "--port", "0"]);
    expect(code).toBe(1);
    expect(output.trim().split("\n")).toHaveLength(1);
    expect(output).toContain('plugin not-installed-anywhere is required and failed to load: no plugin package named "not-installed-anywhere"');
  });
});

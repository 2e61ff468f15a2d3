/** `bifrost plugin …` as a user runs it (a subprocess in a temp app dir), and a scaffolded plugin on a live server. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGateway } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";

const CLI = join(import.meta.dir, "../../src/plugins/cli/index.ts");

/** Every temp dir the tests make, removed at the end. */
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(cmd: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  const p = Bun.spawn(cmd, { cwd, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

const cli = (app: string, args: string[], env: Record<string, string> = {}) => run(["bun", CLI, ...args], app, env);

/** A fresh app dir with an (empty) plugins/ folder, so nothing lands in the repo's own plugins/. */
function appDir(): string {
  const dir = tempDir("bifrost-plugin-cli-");
  mkdirSync(join(dir, "plugins"));
  return dir;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));

/** A plugin package on disk, outside any plugins/ folder. */
function packageDir(pkg: Record<string, unknown>, index = "export default () => ({ name: 'x' });\n"): string {
  const dir = tempDir("bifrost-plugin-src-");
  writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  writeFileSync(join(dir, "index.ts"), index);
  return dir;
}

describe("new", () => {
  test("creates a plugin whose own test passes as soon as it exists", async () => {
    const app = appDir();
    const r = await cli(app, ["new", "hello-world"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(join(app, "plugins", "hello-world"));
    // Outside the gateway's checkout, the gateway is linked in as a devDependency, so "bifrost/plugin" resolves.
    expect(readdirSync(join(app, "plugins", "hello-world")).sort()).toEqual(["README.md", "index.test.ts", "index.ts", "node_modules", "package.json"]);
    const pkg = readJson(join(app, "plugins", "hello-world", "package.json"));
    expect(pkg).toMatchObject({ keywords: ["bifrost-plugin"], scripts: { test: "bun test" }, bifrost: { apiVersion: 1, name: "hello-world" } });
    expect(pkg.devDependencies.bifrost).toStartWith("file:");
    const t = await run(["bun", "test"], join(app, "plugins", "hello-world"));
    expect(t.stdout + t.stderr).toContain("2 pass");
    expect(t.code).toBe(0);
  });

  test("refuses a bad name (usage, exit 2) and an existing folder (exit 1), each with one line on stderr", async () => {
    const app = appDir();
    const bad = await cli(app, ["new", "Not_Valid"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toContain('invalid plugin name "Not_Valid"');
    expect((await cli(app, ["new", "dup"])).code).toBe(0);
    const again = await cli(app, ["new", "dup"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists");
  });
});

describe("list", () => {
  test("--json shows each installed package, its version, and whether config.json enables it", async () => {
    const app = appDir();
    await cli(app, ["new", "alpha"]);
    await cli(app, ["new", "beta"]);
    await cli(app, ["enable", "alpha"]);
    const r = await cli(app, ["list", "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.plugins_dir).toBe(join(app, "plugins"));
    expect(out.plugins.map((p: any) => [p.name, p.version, p.enabled, p.configured])).toEqual([
      ["alpha", "0.1.0", true, true],
      ["beta", "0.1.0", false, false],
    ]);
  });

  test("in a terminal, an aligned table", async () => {
    const app = appDir();
    await cli(app, ["new", "a-long-plugin-name"]);
    await cli(app, ["new", "short"]);
    const lines = (await cli(app, ["list"])).stdout.trim().split("\n").slice(1);
    expect(lines[0]).toMatch(/^NAME\s+VERSION\s+ENABLED\s+DESCRIPTION$/);
    const col = lines[0]!.indexOf("VERSION");
    for (const l of lines.slice(1)) expect(l.slice(col, col + 5)).toBe("0.1.0");
  });
});

describe("add", () => {
  test("from a local directory: copied into plugins/<name> and enabled, other config keys kept", async () => {
    const app = appDir();
    const config = { providers: { openai: { keys: [{ name: "k", value: "env.OPENAI_API_KEY" }] } }, client: { drop_excess_requests: true }, plugins: [{ name: "other", enabled: false }] };
    writeFileSync(join(app, "config.json"), JSON.stringify(config, null, 2) + "\n");
    const src = packageDir({ name: "bifrost-plugin-local", version: "1.2.3", bifrost: { apiVersion: 1, name: "local" } });
    const r = await cli(app, ["add", src]);
    expect(r.code).toBe(0);
    expect(existsSync(join(app, "plugins", "local", "index.ts"))).toBe(true);
    const text = readFileSync(join(app, "config.json"), "utf8");
    expect(JSON.parse(text)).toEqual({ ...config, plugins: [...config.plugins, { name: "local", enabled: true, config: {} }] });
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2) + "\n");
    const again = await cli(app, ["add", src]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already installed");
    expect((await cli(app, ["add", src, "--force"])).code).toBe(0);
  });

  test("from a tarball made with bun pm pack", async () => {
    const work = appDir();
    await cli(work, ["new", "packed"]);
    const pack = await run(["bun", "pm", "pack"], join(work, "plugins", "packed"));
    expect(pack.code).toBe(0);
    const tgz = join(work, "plugins", "packed", readdirSync(join(work, "plugins", "packed")).find((f) => f.endsWith(".tgz"))!);
    const app = appDir();
    const r = await cli(app, ["add", tgz, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: "packed", package: "bifrost-plugin-packed", version: "0.1.0", source: "tarball" });
    expect(readdirSync(join(app, "plugins", "packed")).sort()).toEqual(["README.md", "index.ts", "package.json"]);
    expect(readJson(join(app, "config.json"))).toEqual({ plugins: [{ name: "packed", enabled: true, config: {} }] });
  });

  test("refuses a package built for another plugin API version, with one clear line and nothing installed", async () => {
    const app = appDir();
    const src = packageDir({ name: "bifrost-plugin-future", version: "9.0.0", bifrost: { apiVersion: 2, name: "future" } });
    const r = await cli(app, ["add", src]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("bifrost.apiVersion is 2; this gateway supports 1");
    expect(readdirSync(join(app, "plugins"))).toEqual([]);
    expect(existsSync(join(app, "config.json"))).toBe(false);
  });

  test("installs production dependencies when the package has some", async () => {
    const helper = packageDir({ name: "local-helper", version: "1.0.0" }, "export const x = 1;\n");
    const src = packageDir({ name: "bifrost-plugin-deps", version: "0.1.0", dependencies: { "local-helper": `file:${helper}` }, bifrost: { apiVersion: 1, name: "deps" } });
    const app = appDir();
    const r = await cli(app, ["add", src]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(existsSync(join(app, "plugins", "deps", "node_modules", "local-helper", "package.json"))).toBe(true);
  });

  test.skipIf(!Bun.which("npm"))("by npm name, fetched with npm pack from the registry", async () => {
    const work = appDir();
    await cli(work, ["new", "from-npm"]);
    await run(["bun", "pm", "pack"], join(work, "plugins", "from-npm"));
    const tgz = await Bun.file(join(work, "plugins", "from-npm", "bifrost-plugin-from-npm-0.1.0.tgz")).arrayBuffer();
    const integrity = "sha512-" + new Bun.CryptoHasher("sha512").update(tgz).digest("base64");
    const registry = Bun.serve({
      port: 0,
      fetch(req) {
        const { pathname, origin } = new URL(req.url);
        if (pathname === "/bifrost-plugin-from-npm") {
          const dist = { tarball: `${origin}/t.tgz`, integrity };
          return Response.json({ name: "bifrost-plugin-from-npm", "dist-tags": { latest: "0.1.0" }, versions: { "0.1.0": { name: "bifrost-plugin-from-npm", version: "0.1.0", dist } } });
        }
        return pathname === "/t.tgz" ? new Response(tgz) : new Response("not found", { status: 404 });
      },
    });
    try {
      const app = appDir();
      const r = await cli(app, ["add", "bifrost-plugin-from-npm"], { BIFROST_NPM_REGISTRY: `http://127.0.0.1:${registry.port}` });
      expect(r.code).toBe(0);
      expect(readJson(join(app, "plugins", "from-npm", "package.json")).name).toBe("bifrost-plugin-from-npm");
    } finally {
      registry.stop(true);
    }
  });
});

describe("enable, disable, remove", () => {
  test("edit config.json's plugins[] and the plugins folder", async () => {
    const app = appDir();
    writeFileSync(join(app, "config.json"), JSON.stringify({ client: { allowed_origins: ["*"] } }, null, 2));
    await cli(app, ["new", "toggled"]);
    expect((await cli(app, ["enable", "toggled"])).code).toBe(0);
    expect(readJson(join(app, "config.json"))).toEqual({ client: { allowed_origins: ["*"] }, plugins: [{ name: "toggled", enabled: true, config: {} }] });
    expect((await cli(app, ["disable", "toggled"])).code).toBe(0);
    expect(readJson(join(app, "config.json")).plugins).toEqual([{ name: "toggled", enabled: false, config: {} }]);
    const missing = await cli(app, ["enable", "nobody"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no plugin named "nobody" is installed');
    expect((await cli(app, ["remove", "toggled"])).code).toBe(0);
    expect(existsSync(join(app, "plugins", "toggled"))).toBe(false);
    expect(readJson(join(app, "config.json"))).toEqual({ client: { allowed_origins: ["*"] }, plugins: [] });
    expect((await cli(app, ["remove", "toggled"])).code).toBe(1);
  });

  test("--config and --plugins-dir point elsewhere", async () => {
    const app = appDir();
    const other = tempDir("bifrost-elsewhere-");
    await cli(app, ["new", "moved", "--plugins-dir", join(other, "pl")]);
    expect((await cli(app, ["enable", "moved", "--plugins-dir", join(other, "pl"), "--config", join(other, "c.json")])).code).toBe(0);
    expect(readJson(join(other, "c.json")).plugins[0].name).toBe("moved");
    expect(existsSync(join(app, "config.json"))).toBe(false);
  });
});

describe("search", () => {
  let registry: ReturnType<typeof Bun.serve>;
  const queries: URL[] = [];
  beforeAll(() => {
    registry = Bun.serve({
      port: 0,
      fetch(req) {
        const url = new URL(req.url);
        queries.push(url);
        const pkg = (name: string, version: string, description: string) => ({ package: { name, version, description, keywords: ["bifrost-plugin"] } });
        return Response.json({ objects: [pkg("bifrost-plugin-ratelimit", "1.0.0", "Rate limits per key"), pkg("@acme/bifrost-plugin-audit", "0.3.1", "Audit log")], total: 2 });
      },
    });
  });
  afterAll(() => registry.stop(true));

  test("asks the registry for keyword bifrost-plugin plus the words, and prints name, version, description", async () => {
    const env = { BIFROST_NPM_REGISTRY: `http://127.0.0.1:${registry.port}/` };
    const r = await cli(appDir(), ["search", "rate", "limit"], env);
    expect(r.code).toBe(0);
    const q = queries.at(-1)!;
    expect(q.pathname).toBe("/-/v1/search");
    expect(q.searchParams.get("text")).toBe("keywords:bifrost-plugin rate limit");
    expect(q.searchParams.get("size")).toBe("20");
    expect(r.stdout).toMatch(/bifrost-plugin-ratelimit\s+1\.0\.0\s+Rate limits per key/);
    const json = JSON.parse((await cli(appDir(), ["search", "audit", "--json"], env)).stdout);
    expect(json.results.map((h: any) => h.name)).toEqual(["bifrost-plugin-ratelimit", "@acme/bifrost-plugin-audit"]);
  });

  test("an unreachable registry is one clear error, exit 1", async () => {
    const closed = Bun.serve({ port: 0, fetch: () => new Response() });
    const port = closed.port;
    closed.stop(true);
    const r = await cli(appDir(), ["search", "x"], { BIFROST_NPM_REGISTRY: `http://127.0.0.1:${port}` });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(`cannot reach the npm registry at http://127.0.0.1:${port}`);
  });
});

describe("a scaffolded plugin on a live server", () => {
  let mock: MockUpstream;
  beforeAll(async () => void (mock = await startMockUpstream()));
  afterAll(() => mock.stop());

  test("takes effect on an HTTP request, found in --app-dir's plugins/, by an absolute path, or added without node_modules", async () => {
    const app = appDir();
    const elsewhere = tempDir("bifrost-plugin-path-");
    expect((await cli(app, ["new", "stamp"])).code).toBe(0);
    expect((await cli(app, ["new", "by-path", "--plugins-dir", elsewhere])).code).toBe(0);
    expect((await cli(app, ["new", "added", "--plugins-dir", elsewhere])).code).toBe(0);
    expect((await cli(app, ["add", join(elsewhere, "added")])).code).toBe(0);
    // Copied without node_modules: the running gateway provides "bifrost/plugin" itself.
    expect(existsSync(join(app, "plugins", "added", "node_modules"))).toBe(false);
    const config = {
      providers: { openai: { keys: [{ value: "sk-live-1" }], network_config: { base_url: mock.url } } },
      plugins: [
        { name: "stamp", enabled: true, config: { greeting: "live from app-dir" } },
        { name: "by-path", enabled: true, path: join(elsewhere, "by-path"), config: {} },
        { name: "added", enabled: true, config: {} },
      ],
    };
    writeFileSync(join(app, "config.json"), JSON.stringify(config, null, 2));
    const gw = await startGateway({ args: ["--app-dir", app, "--config", join(app, "config.json")] });
    try {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as any;
      expect(body.extra_fields.plugins.stamp.greeting).toBe("live from app-dir");
      expect(body.extra_fields.plugins["by-path"].greeting).toBe("hello from by-path");
      expect(body.extra_fields.plugins.added.greeting).toBe("hello from added");
    } finally {
      await gw.stop();
    }
  });
});

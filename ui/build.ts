/**
 * Builds the dashboard into ui/dist: one hashed script and one hashed stylesheet, and index.html
 * naming them. The output is committed (the gateway serves it as is; nothing is built at start-up),
 * and tests/unit/dashboard-dist.test.ts fails when it is stale: run `bun run build:ui` after a change.
 *   bun ui/build.ts [--out DIR]
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

const UI = import.meta.dir;

/** The built files as name → bytes (index.html included); nothing written. */
export async function buildDashboard(): Promise<Map<string, Uint8Array>> {
  const result = await Bun.build({
    entrypoints: [join(UI, "src/main.tsx")],
    target: "browser",
    format: "esm",
    minify: true,
    sourcemap: "none",
    naming: { entry: "app-[hash].[ext]", asset: "[name]-[hash].[ext]", chunk: "chunk-[hash].[ext]" },
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
  });
  if (!result.success) throw new AggregateError(result.logs, "dashboard build failed");
  const files = new Map<string, Uint8Array>();
  for (const out of result.outputs) files.set(basename(out.path), new Uint8Array(await out.arrayBuffer()));
  const script = [...files.keys()].find((n) => n.endsWith(".js"));
  const styles = [...files.keys()].filter((n) => n.endsWith(".css"));
  if (!script) throw new Error("dashboard build produced no script");
  const html = readFileSync(join(UI, "index.html"), "utf8")
    .replace("<!--styles-->", styles.map((s) => `<link rel="stylesheet" href="/assets/${s}">`).join(""))
    .replace("<!--script-->", `<script type="module" src="/assets/${script}"></script>`);
  files.set("index.html", new TextEncoder().encode(html));
  return files;
}

if (import.meta.main) {
  const i = process.argv.indexOf("--out");
  const out = i > 0 ? process.argv[i + 1]! : join(UI, "dist");
  const files = await buildDashboard();
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const [name, bytes] of files) writeFileSync(join(out, name), bytes);
  console.log(`dashboard: ${[...files].map(([n, b]) => `${n} (${(b.length / 1024).toFixed(1)} KiB)`).join(", ")} → ${out}`);
}

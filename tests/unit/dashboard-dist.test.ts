/** The committed ui/dist is what `bun run build:ui` makes from ui/src now (a stale build would serve old pages). */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DASHBOARD_DIR } from "../../src/http/dashboard";
import { buildDashboard } from "../../ui/build";

/** The depth of CSS blocks at each top-level comment (page sections start at depth 0) and at the end. */
function blockDepths(css: string): { atComments: Array<[number, string]>; end: number } {
  let depth = 0;
  const atComments: Array<[number, string]> = [];
  for (const line of css.split("\n")) {
    if (line.startsWith("/*")) atComments.push([depth, line.slice(0, 60)]);
    for (const ch of line) depth += ch === "{" ? 1 : ch === "}" ? -1 : 0;
  }
  return { atComments, end: depth };
}

describe("dashboard build", () => {
  test("ui/dist matches a fresh build of ui/src (run `bun run build:ui` after changing the dashboard)", async () => {
    const built = await buildDashboard();
    const committed = readdirSync(DASHBOARD_DIR).sort();
    expect(committed).toEqual([...built.keys()].sort());
    for (const [name, bytes] of built) expect(Buffer.from(readFileSync(join(DASHBOARD_DIR, name))).equals(Buffer.from(bytes))).toBe(true);
  });

  // Regression: a merge once dropped the "}" closing one page's @media block, and CSS nesting took every
  // later page's desktop rules into the phone query (the bundler accepts that silently).
  test("styles.css: every page's section starts outside any block, and the blocks balance", () => {
    const { atComments, end } = blockDepths(readFileSync(join(import.meta.dir, "../../ui/src/styles.css"), "utf8"));
    expect(atComments.filter(([d]) => d !== 0)).toEqual([]);
    expect(end).toBe(0);
  });
});

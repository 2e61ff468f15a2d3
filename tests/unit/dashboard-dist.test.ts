/** The committed ui/dist is what `bun run build:ui` makes from ui/src now (a stale build would serve old pages). */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DASHBOARD_DIR } from "../../src/http/dashboard";
import { buildDashboard } from "../../ui/build";

describe("dashboard build", () => {
  test("ui/dist matches a fresh build of ui/src (run `bun run build:ui` after changing the dashboard)", async () => {
    const built = await buildDashboard();
    const committed = readdirSync(DASHBOARD_DIR).sort();
    expect(committed).toEqual([...built.keys()].sort());
    for (const [name, bytes] of built) expect(Buffer.from(readFileSync(join(DASHBOARD_DIR, name))).equals(Buffer.from(bytes))).toBe(true);
  });
});

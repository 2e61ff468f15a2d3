/** The dashboard's shell in Chromium: served from "/", login before anything, navigation, phone width, keyboard. */
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser } from "playwright-core";
import { NAV as PAGES } from "../../ui/src/nav";
import { E2E_RUNS, dashboardSession, expectHeading, openDashboard, screenshot, type DashboardEnv } from "./support/dashboard";

// Bun 1.4.5 applies the preload's default timeout to the first file of a run only: each e2e file sets its own.
setDefaultTimeout(30_000);


describe.skipIf(!E2E_RUNS)("dashboard shell", () => {
  let env: DashboardEnv;
  let browser: Browser;
  dashboardSession((e, b) => ((env = e), (browser = b)));

  test("GET / is the page with a strict CSP and no-cache; assets are immutable and gzipped", async () => {
    const res = await fetch(`${env.gw.url}/`, { headers: { "accept-encoding": "gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    const html = await res.text();
    const script = html.match(/src="(\/assets\/app-[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${env.gw.url}${script}`, { headers: { "accept-encoding": "gzip" } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect(asset.headers.get("content-encoding")).toBe("gzip");
    const again = await fetch(`${env.gw.url}${script}`, { headers: { "if-none-match": asset.headers.get("etag")! } });
    expect(again.status).toBe(304);
    expect((await fetch(`${env.gw.url}/assets/nope.js`)).status).toBe(404);
  }, 60_000);

  test("nothing but the login form before login; a wrong password is refused with the gateway's message", async () => {
    const { page, problems, context } = await openDashboard(browser, env.gw, "desktop", { login: false });
    await page.getByRole("form", { name: "Log in" }).waitFor();
    expect(await page.getByRole("navigation", { name: "Dashboard" }).count()).toBe(0);
    await screenshot(page, "login", "desktop");
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password").fill("wrong-password-123");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toContain("Invalid username or password");
    expect(problems.filter((p) => !p.includes("401"))).toEqual([]);
    await context.close();
  }, 60_000);

  test("after login every page is reachable from the navigation, the feed is live, and logout ends the session", async () => {
    const { page, problems, context } = await openDashboard(browser, env.gw, "desktop");
    for (const p of PAGES) {
      await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: p.title }).click();
      await expectHeading(page, p.title);
    }
    await page.getByTestId("feed-state").getByText("Live").waitFor();
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("form", { name: "Log in" }).waitFor();
    // The session is gone on the server too: the API refuses the old cookie.
    const status = await page.evaluate(async () => (await fetch("/api/providers")).status);
    expect(status).toBe(401);
    expect(problems.filter((p) => !p.includes("401"))).toEqual([]);
    await context.close();
  }, 60_000);

  test("phone width: the navigation opens from the menu button; the keyboard reaches it", async () => {
    const { page, problems, context } = await openDashboard(browser, env.gw, "phone");
    await screenshot(page, "login-done", "phone");
    const nav = page.locator("nav#nav");
    expect(await nav.isVisible()).toBe(false);
    const menu = page.getByRole("button", { name: "Menu" });
    await menu.focus();
    await page.keyboard.press("Enter");
    await expect(menu.getAttribute("aria-expanded")).resolves.toBe("true");
    await page.keyboard.press("Tab");
    const focused = String(await page.evaluate("document.activeElement?.textContent ?? ''"));
    expect(focused).toContain(PAGES[0]!.title);
    await nav.getByRole("link", { name: "Providers" }).press("Enter");
    await expectHeading(page, "Providers");
    // Choosing a page closes the menu.
    await nav.waitFor({ state: "hidden" });
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});

/**
 * The Governance page in Chromium: a virtual key created through the form (budget and request limit),
 * its value shown once, used for a chat request, its usage bars moving without a reload; a team; the
 * key deleted; the page with governance off.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { eventually } from "../support/wait";
import { E2E_RUNS, dashboardSession, expectHeading, openDashboard, screenshot, type DashboardEnv, type OpenPage } from "./support/dashboard";

// Bun 1.4.5 applies the preload's default timeout to the first file of a run only: each e2e file sets its own.
setDefaultTimeout(30_000);


const KEY = "e2e-app";

/** The management API as the logged-in page calls it (its session cookie). */
async function adminGet(page: Page, path: string): Promise<any> {
  return page.evaluate(async (p) => {
    const r = await fetch(p);
    return { status: r.status, body: await r.json() };
  }, path);
}

const bar = (page: Page, label: string) => page.getByRole("progressbar", { name: label, exact: true });
const valueOf = async (page: Page, label: string) => Number(await bar(page, label).getAttribute("aria-valuenow"));

describe.skipIf(!E2E_RUNS)("governance page", () => {
  let env: DashboardEnv;
  let browser: Browser;
  let desktop: OpenPage;
  /** The created key's value, read from the one-time display. */
  let value = "";

  dashboardSession((e, b) => ((env = e), (browser = b)));
  beforeAll(async () => {
    desktop = await openDashboard(browser, env.gw, "desktop", { hash: "#/governance" });
    desktop.page.on("dialog", (d) => void d.accept());
  }, 60_000);
  // Closing the browser closes this context too; closed first, it is a no-op.
  afterAll(() => desktop?.context.close().catch(() => {}), 60_000);

  test("a virtual key is created through the form with a budget and a request limit; its value is shown once", async () => {
    const { page } = desktop;
    await expectHeading(page, "Governance");
    await page.getByText("No virtual keys yet").waitFor();
    await page.getByRole("button", { name: "Create virtual key" }).click();
    const dialog = page.getByRole("dialog", { name: "Create virtual key" });
    await dialog.getByLabel("Name", { exact: true }).fill(KEY);
    await dialog.getByLabel("Description").fill("the e2e app");
    await dialog.getByLabel("Provider", { exact: true }).fill("openai");
    await dialog.getByLabel("Allowed models").fill("gpt-4o-mini");
    await dialog.getByLabel("Budget limit (USD)").fill("1");
    await dialog.getByLabel("Budget resets every").fill("1d");
    await dialog.getByLabel("Request limit").fill("10");
    await dialog.getByLabel("Requests reset every").fill("1h");
    await dialog.getByRole("button", { name: "Create", exact: true }).click();

    const shown = page.getByRole("dialog", { name: "Virtual key created" });
    value = (await shown.getByTestId("secret-value").textContent()) ?? "";
    expect(value).toMatch(/^sk-bf-[A-Za-z0-9_-]{43}$/);
    await shown.getByRole("button", { name: "Done" }).click();
    await shown.waitFor({ state: "hidden" });

    // What the server holds: the key with its provider config, budget and rate limit, and only the value's prefix.
    const list = await adminGet(page, "/api/governance/virtual-keys");
    const vk = list.body.virtual_keys.find((v: { name: string }) => v.name === KEY);
    expect(vk).toMatchObject({
      description: "the e2e app",
      is_active: true,
      provider_configs: [{ provider: "openai", weight: 1, allowed_models: ["gpt-4o-mini"] }],
      budgets: [{ max_limit: 1, reset_duration: "1d", current_usage: 0 }],
      rate_limit: { request_max_limit: 10, request_reset_duration: "1h", request_current_usage: 0, token_max_limit: null },
    });
    expect(vk.value).toBe(`${value.slice(0, 10)}…`);

    const row = page.getByRole("row").filter({ hasText: KEY });
    await row.getByText("active", { exact: true }).waitFor();
    expect(await row.textContent()).toContain("gpt-4o-mini");
    expect(await valueOf(page, `Requests of ${KEY}`)).toBe(0);
    expect(await valueOf(page, `Budget of ${KEY}`)).toBe(0);
    expect(await row.textContent()).toMatch(/per day · resets in \d+ (h|min|s)/);
  }, 60_000);

  test("a chat request with the key moves its usage bars on the open page, without a reload", async () => {
    const { page } = desktop;
    const res = await fetch(`${env.gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${value}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hello there" }], max_tokens: 50 }),
    });
    expect(res.status).toBe(200);
    await page.locator(`[role=progressbar][aria-label="Requests of ${KEY}"][aria-valuenow="1"]`).waitFor();
    await eventually(async () => (await valueOf(page, `Budget of ${KEY}`)) > 0);
    const spent = await valueOf(page, `Budget of ${KEY}`);
    const vk = (await adminGet(page, "/api/governance/virtual-keys")).body.virtual_keys.find((v: { name: string }) => v.name === KEY);
    expect(vk.budgets[0].current_usage).toBe(spent);
    expect(vk.rate_limit.request_current_usage).toBe(1);
    // The Refresh button answers too, and the bars keep their values.
    await page.getByRole("button", { name: "Refresh usage" }).click();
    await page.locator(`[role=progressbar][aria-label="Requests of ${KEY}"][aria-valuenow="1"]`).waitFor();
  }, 60_000);

  test("after a reload the key's value is not shown again, only its prefix", async () => {
    const { page } = desktop;
    await page.reload();
    await expectHeading(page, "Governance");
    const row = page.getByRole("row").filter({ hasText: KEY });
    await row.waitFor();
    expect(await row.textContent()).toContain(`${value.slice(0, 10)}…`);
    expect(await page.content()).not.toContain(value);
    expect(await page.getByTestId("secret-value").count()).toBe(0);
  }, 60_000);

  test("a team is created with a budget, and the key is moved to it through Edit", async () => {
    const { page } = desktop;
    await page.getByRole("tab", { name: "Teams" }).click();
    await page.getByText("No teams yet").waitFor();
    await page.getByRole("button", { name: "Create team" }).click();
    const dialog = page.getByRole("dialog", { name: "Create team" });
    await dialog.getByLabel("Team name").fill("Platform");
    await dialog.getByLabel("Budget limit (USD)").fill("5");
    await dialog.getByLabel("Budget resets every").fill("1M");
    await dialog.getByRole("button", { name: "Create", exact: true }).click();
    await bar(page, "Budget of Platform").waitFor();
    const teams = (await adminGet(page, "/api/governance/teams")).body.teams;
    expect(teams).toMatchObject([{ name: "Platform", budgets: [{ max_limit: 5, reset_duration: "1M" }] }]);

    // Edit the key: attach it to the team; its budget keeps its id, so its usage carries on.
    await page.getByRole("tab", { name: "Virtual keys" }).click();
    await page.getByRole("button", { name: `Edit ${KEY}` }).click();
    const edit = page.getByRole("dialog", { name: `Edit ${KEY}` });
    await edit.getByLabel("Team or customer").selectOption({ label: "Platform" });
    await edit.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("row").filter({ hasText: KEY }).getByText("Team Platform").waitFor();
    expect(await valueOf(page, `Requests of ${KEY}`)).toBe(1);
    const vk = (await adminGet(page, "/api/governance/virtual-keys")).body.virtual_keys.find((v: { name: string }) => v.name === KEY);
    expect(vk).toMatchObject({ team_id: teams[0].id, rate_limit: { request_current_usage: 1 } });
    expect(vk.budgets[0].current_usage).toBeGreaterThan(0);
    await screenshot(page, "governance", "desktop");

    // The Budgets and Rate limits tabs list every limit with its owner: the key's and the team's.
    await page.getByRole("tab", { name: "Budgets" }).click();
    const budgets = page.getByRole("region", { name: "Budgets" });
    await budgets.getByRole("row").filter({ hasText: KEY }).waitFor();
    await budgets.getByRole("row").filter({ hasText: "Platform" }).getByText("Team", { exact: true }).waitFor();
    await page.getByRole("tab", { name: "Rate limits" }).click();
    await page.getByRole("region", { name: "Rate limits" }).getByRole("row").filter({ hasText: KEY }).waitFor();
    await page.getByRole("tab", { name: "Virtual keys" }).click();
  }, 60_000);

  test("phone width: the key with its usage, the page not wider than the screen", async () => {
    const phone = await openDashboard(browser, env.gw, "phone", { hash: "#/governance" });
    try {
      await expectHeading(phone.page, "Governance");
      await bar(phone.page, `Requests of ${KEY}`).waitFor();
      const overflow = Number(await phone.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"));
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(phone.page, "governance", "phone");
      expect(phone.problems).toEqual([]);
    } finally {
      await phone.context.close();
    }
  }, 60_000);

  test("deactivating refuses the key; deleting it (confirmed) removes it from the page and the server", async () => {
    const { page } = desktop;
    await page.getByRole("button", { name: `Deactivate ${KEY}` }).click();
    await page.getByRole("row").filter({ hasText: KEY }).getByText("inactive", { exact: true }).waitFor();
    const refused = await fetch(`${env.gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "x-bf-vk": value, "content-type": "application/json" },
      body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(refused.status).toBe(403);

    await page.getByRole("button", { name: `Delete ${KEY}` }).click();
    await page.getByText("No virtual keys yet").waitFor();
    const list = await adminGet(page, "/api/governance/virtual-keys");
    expect(list.body.virtual_keys).toEqual([]);
    expect(desktop.problems).toEqual([]);
  }, 60_000);
});

describe.skipIf(!E2E_RUNS)("governance page, governance off", () => {
  let env: DashboardEnv;
  let browser: Browser;
  dashboardSession((e, b) => ((env = e), (browser = b)), { client: {} });

  test("says how to turn governance on", async () => {
    const { page, problems, context } = await openDashboard(browser, env.gw, "desktop", { hash: "#/governance" });
    await expectHeading(page, "Governance");
    const note = page.getByRole("note", { name: "Governance is off" });
    await note.waitFor();
    expect(await note.textContent()).toContain("enable_governance");
    expect(await page.getByRole("tab").count()).toBe(0);
    // The routes' 404 is the browser's console error for a failed load; nothing else.
    expect(problems.filter((p) => !p.includes("404"))).toEqual([]);
    await context.close();
  }, 60_000);
});

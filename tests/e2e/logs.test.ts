/**
 * The Logs page in Chromium: requests sent through the gateway appear live (no reload), newest first;
 * the pause holds them back; filters (status, text, virtual key) live in the hash query and a link
 * opens the same view; paging; a request's detail at #/logs/<id>; and a clear note when logging is off.
 */
import { describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { eventually } from "../support/wait";
import { ADMIN_BASIC, E2E_RUNS, dashboardGateway, dashboardSession, expectHeading, openDashboard, screenshot, type DashboardEnv } from "./support/dashboard";



describe.skipIf(!E2E_RUNS)("logs page", () => {
  let env: DashboardEnv;
  let browser: Browser;
  // Rows are written every 100 ms here (1 s by default), so they show up without a long wait.
  dashboardSession((e, b) => ((env = e), (browser = b)), { plugins: [{ name: "logging", enabled: true, config: { flush_interval_ms: 100 } }] });

  interface Sent {
    status: number;
    id: string;
    body: any;
  }
  async function chat(text: string, opts: { auth?: string; model?: string } = {}): Promise<Sent> {
    const res = await fetch(`${env.gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: opts.auth ?? ADMIN_BASIC, "content-type": "application/json" },
      body: JSON.stringify({ model: opts.model ?? "openai/gpt-4o-mini", messages: [{ role: "user", content: text }] }),
    });
    return { status: res.status, id: res.headers.get("x-request-id")!, body: await res.json() };
  }
  const admin = async (path: string, init: RequestInit = {}) => (await fetch(`${env.gw.url}${path}`, { ...init, headers: { authorization: ADMIN_BASIC, "content-type": "application/json" } })).json() as Promise<any>;

  const table = (page: Page) => page.getByRole("region", { name: "Request logs" });
  const row = (page: Page, id: string) => table(page).locator(`tbody tr[data-id="${id}"]`);
  const shownIds = (page: Page) => table(page).locator("tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-id")));
  /** Loads the dashboard afresh at `hash` in the same (logged-in) context: a link opened in a new tab. */
  const openLink = async (page: Page, to: string) => {
    await page.goto("about:blank");
    await page.goto(`${env.gw.url}/${to}`);
  };
  const hash = async (page: Page) => String(await page.evaluate("decodeURIComponent(location.hash)"));

  // Filled in by the tests in order: the first sends them.
  let ok1: Sent, failed: Sent, ok2: Sent;

  test("requests sent while the page is open appear live, newest first, with status, provider, model, tokens and cost; the stats count them", async () => {
    const { page, problems, context } = await openDashboard(browser, env.gw, "desktop", { hash: "#/logs" });
    await expectHeading(page, "Logs");
    await page.getByText("No requests logged yet").waitFor();
    await page.locator("main#main").getByText("Live", { exact: true }).waitFor();
    await page.evaluate("window.__sameDocument = true");

    ok1 = await chat("Where do penguins live?");
    expect(ok1.status).toBe(200);
    await row(page, ok1.id).waitFor();
    env.mock.fault({ status: 500, message: "mock upstream exploded", times: 1 });
    failed = await chat("this one fails upstream");
    expect(failed.status).toBe(500);
    ok2 = await chat("Tell me about the Atacama desert");
    await row(page, ok2.id).waitFor();
    await row(page, failed.id).waitFor();

    expect(await shownIds(page)).toEqual([ok2.id, failed.id, ok1.id]);
    const text = (await row(page, ok2.id).textContent())!;
    for (const part of ["success", "openai", "gpt-4o-mini", String(ok2.body.usage.total_tokens), "$0.0000"]) expect(text).toContain(part);
    expect(await row(page, failed.id).textContent()).toContain("error");
    await page.getByRole("group", { name: "Requests" }).getByText("3", { exact: true }).waitFor();
    await page.getByRole("group", { name: "Success rate" }).getByText("66.7%").waitFor();
    // Not a reload: the same document got the rows.
    expect(await page.evaluate("window.__sameDocument")).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  test("pause holds new rows back and says how many; resume shows them", async () => {
    const { page, problems, context } = await openDashboard(browser, env.gw, "desktop", { hash: "#/logs" });
    await row(page, ok2.id).waitFor();
    const pause = page.getByRole("button", { name: "Pause live" });
    await pause.click();
    await page.locator("main#main").getByText("Paused", { exact: true }).waitFor();
    const held = await chat("held back while paused");
    await page.getByText("1 new request while paused").waitFor();
    expect(await row(page, held.id).count()).toBe(0);
    await page.getByRole("button", { name: "Resume live" }).click();
    await row(page, held.id).waitFor();
    expect((await shownIds(page))[0]).toBe(held.id);
    expect(problems).toEqual([]);
    await context.close();
  });

  test("filter by status and by text: the filters go into the hash query, live rows obey them, and the link opens the same view", async () => {
    const { page, problems, context } = await openDashboard(browser, env.gw, "desktop", { hash: "#/logs" });
    await row(page, ok2.id).waitFor();
    await page.getByLabel("Status").selectOption("error");
    await eventually(async () => (await hash(page)) === "#/logs?status=error");
    await eventually(async () => JSON.stringify(await shownIds(page)) === JSON.stringify([failed.id]));

    // Live: a success does not join the error view; a new failure does.
    const quiet = await chat("a success the error view ignores");
    env.mock.fault({ status: 500, message: "mock upstream exploded again", times: 1 });
    const failedAgain = await chat("fails as well");
    await row(page, failedAgain.id).waitFor();
    expect(await shownIds(page)).toEqual([failedAgain.id, failed.id]);
    expect(await row(page, quiet.id).count()).toBe(0);

    await page.getByLabel("Status").selectOption("");
    const search = page.getByLabel("Search");
    await search.fill("ATACAMA");
    await search.press("Enter");
    await eventually(async () => (await hash(page)) === "#/logs?content_search=ATACAMA");
    await eventually(async () => JSON.stringify(await shownIds(page)) === JSON.stringify([ok2.id]));
    await page.getByRole("group", { name: "Requests" }).getByText("1", { exact: true }).waitFor();

    // A custom time range: a window that starts in the future holds nothing.
    await page.getByLabel("Time range").selectOption("custom");
    await page.getByLabel("From").fill("2099-01-01T00:00");
    await eventually(async () => (await hash(page)).includes("start_time=2099-"));
    await page.getByText("No requests match these filters.").waitFor();
    await page.getByRole("button", { name: "Clear filters" }).first().click();
    await eventually(async () => (await hash(page)) === "#/logs");
    await row(page, ok1.id).waitFor();

    // A linked view: the error text is searched too.
    await openLink(page, "#/logs?status=error&content_search=exploded");
    await row(page, failed.id).waitFor();
    expect(await shownIds(page)).toEqual([failedAgain.id, failed.id]);
    expect(await page.getByLabel("Status").inputValue()).toBe("error");
    expect(await page.getByLabel("Search").inputValue()).toBe("exploded");
    expect(problems).toEqual([]);
    await context.close();
  });

  let vkRequest: Sent;

  test("a virtual key made through the API: its requests show its name, and the virtual-key filter shows only them", async () => {
    const created = await admin("/api/governance/virtual-keys", { method: "POST", body: JSON.stringify({ name: "checkout-app", provider_configs: [{ provider: "openai", allowed_models: ["*"] }] }) });
    const vk = created.virtual_key as { id: string; value: string };
    expect(vk.value).toStartWith("sk-bf-");

    const { page, problems, context } = await openDashboard(browser, env.gw, "desktop", { hash: "#/logs" });
    await row(page, ok2.id).waitFor();
    vkRequest = await chat("Summarise the checkout flow", { auth: `Bearer ${vk.value}` });
    expect(vkRequest.status).toBe(200);
    await row(page, vkRequest.id).waitFor();
    expect(await row(page, vkRequest.id).textContent()).toContain("checkout-app");

    // The dropdown learned the key from the live row.
    await page.getByLabel("Virtual key").selectOption({ label: "checkout-app" });
    await eventually(async () => (await hash(page)) === `#/logs?virtual_key_ids=${vk.id}`);
    await eventually(async () => JSON.stringify(await shownIds(page)) === JSON.stringify([vkRequest.id]));

    // The API agrees, and a fresh page lists the key from /api/logs/filterdata.
    const viaApi = await admin(`/api/logs?virtual_key_ids=${vk.id}`);
    expect(viaApi.pagination.total_count).toBe(1);
    expect(viaApi.logs[0]).toMatchObject({ id: vkRequest.id, virtual_key_id: vk.id, virtual_key_name: "checkout-app" });
    expect((await admin("/api/logs/filterdata")).virtual_keys).toEqual([{ id: vk.id, name: "checkout-app" }]);
    // The key's value is never on the page.
    expect(await page.content()).not.toContain(vk.value);
    await openLink(page, `#/logs?virtual_key_ids=${vk.id}`);
    await row(page, vkRequest.id).waitFor();
    await eventually(async () => (await page.getByLabel("Virtual key").locator("option:checked").textContent()) === "checkout-app");
    expect(problems).toEqual([]);
    await context.close();
  });

  test("a request's detail at #/logs/<id>: tokens, cost, the response text, keys; deep-linkable; closing returns to the list", async () => {
    const { page, problems, context } = await openDashboard(browser, env.gw, "desktop", { hash: "#/logs?period=1h" });
    await row(page, vkRequest.id).waitFor();
    await screenshot(page, "logs", "desktop");

    await row(page, vkRequest.id).getByRole("cell").nth(3).click();
    const dialog = page.getByRole("dialog", { name: "Request log" });
    await dialog.waitFor();
    expect(await hash(page)).toBe(`#/logs/${vkRequest.id}?period=1h`);
    const usage = vkRequest.body.usage;
    await dialog.getByRole("group", { name: "Prompt" }).getByText(String(usage.prompt_tokens), { exact: true }).waitFor();
    await dialog.getByRole("group", { name: "Completion" }).getByText(String(usage.completion_tokens), { exact: true }).waitFor();
    expect(await dialog.getByRole("group", { name: "Cost" }).textContent()).toMatch(/\$0\.0000\d/);
    expect(await dialog.getByRole("group", { name: "Provider key" }).textContent()).toContain("main");
    expect(await dialog.getByRole("group", { name: "Virtual key" }).textContent()).toContain("checkout-app");
    expect(await dialog.getByRole("group", { name: "Retries" }).textContent()).toContain("0");
    await dialog.getByRole("region", { name: "Request" }).getByText("Summarise the checkout flow").waitFor();
    await dialog.getByRole("region", { name: "Response" }).getByText(vkRequest.body.choices[0].message.content, { exact: true }).waitFor();
    await screenshot(page, "logs-detail", "desktop");

    await dialog.getByRole("button", { name: "Close" }).click();
    await dialog.waitFor({ state: "hidden" });
    await eventually(async () => (await hash(page)) === "#/logs?period=1h");

    // A deep link to a failed request opens its detail with the error.
    await openLink(page, `#/logs/${failed.id}`);
    const errDialog = page.getByRole("dialog", { name: "Request log" });
    await errDialog.getByRole("region", { name: "Error" }).getByText("mock upstream exploded").waitFor();
    expect(await errDialog.getByRole("region", { name: "Error" }).textContent()).toContain("500");
    await errDialog.getByRole("region", { name: "Attempts" }).getByText("mock upstream exploded").waitFor();
    await screenshot(page, "logs-detail-error", "desktop");
    await page.keyboard.press("Escape");
    await errDialog.waitFor({ state: "hidden" });
    await eventually(async () => (await hash(page)) === "#/logs");
    expect(problems).toEqual([]);
    await context.close();
  });

  test("phone width: the table scrolls inside its box, the page does not; the detail fits", async () => {
    const { page, problems, context } = await openDashboard(browser, env.gw, "phone", { hash: "#/logs" });
    await row(page, vkRequest.id).waitFor();
    expect(Number(await page.evaluate("document.documentElement.scrollWidth"))).toBeLessThanOrEqual(390);
    await screenshot(page, "logs", "phone");
    await row(page, ok2.id).getByRole("link").click();
    const dialog = page.getByRole("dialog", { name: "Request log" });
    await dialog.getByRole("region", { name: "Response" }).waitFor();
    await screenshot(page, "logs-detail", "phone");
    expect(problems).toEqual([]);
    await context.close();
  });

  test("paging: older rows a page at a time; a new request while on an older page is announced, not inserted", async () => {
    const many = await Promise.all(Array.from({ length: 52 }, (_, i) => chat(`bulk request ${i}`, { model: "openai/gpt-4o" })));
    expect(many.every((r) => r.status === 200)).toBe(true);
    await eventually(async () => (await admin("/api/logs?models=gpt-4o&limit=1")).pagination.total_count === 52);

    const { page, problems, context } = await openDashboard(browser, env.gw, "desktop", { hash: "#/logs?models=gpt-4o" });
    await page.getByText("1–50 of 52").waitFor();
    await page.getByRole("button", { name: "Older requests" }).click();
    await page.getByText("51–52 of 52").waitFor();
    expect((await shownIds(page)).length).toBe(2);
    expect(await page.getByRole("button", { name: "Older requests" }).isDisabled()).toBe(true);

    await chat("one more", { model: "openai/gpt-4o" });
    await page.getByText("1 new request above this page").waitFor();
    await page.getByRole("button", { name: "Show newest" }).click();
    await page.getByText("1–50 of 53").waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  test("with logging off (no logs_store), the page says how to turn it on instead of failing", async () => {
    const off = await dashboardGateway({ logs_store: { enabled: false } });
    try {
      const { page, problems, context } = await openDashboard(browser, off.gw, "desktop", { hash: "#/logs" });
      await page.getByRole("heading", { name: "Request logging is off" }).waitFor();
      expect(await page.getByRole("region", { name: "Request logging is off" }).textContent()).toContain('"logs_store"');
      expect(await page.getByRole("alert").count()).toBe(0);
      await screenshot(page, "logs-off", "desktop");
      // Chromium reports the 404 of /api/logs itself as a console error; nothing else may fail.
      expect(problems.filter((p) => !p.includes("status of 404"))).toEqual([]);
      await context.close();
    } finally {
      await off.close();
    }
  });
});

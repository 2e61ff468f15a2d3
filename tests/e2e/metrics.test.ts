/**
 * The metrics page in Chromium: requests sent through the gateway (two providers, three models, some
 * failing through the mock's faults) become stat tiles with the API's totals and uPlot charts; the
 * range and provider filters change what is shown; charts follow the window's width; a gateway
 * without request logs says how to turn them on.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { fmtCost, fmtInt, fmtMs, fmtPct } from "../../ui/src/format";
import { eventually } from "../support/wait";
import { ADMIN_BASIC, E2E_RUNS, dashboardGateway, dashboardSession, expectHeading, openDashboard, screenshot, type DashboardEnv } from "./support/dashboard";


/** Charts on the page: five overview, four by provider, two by model. */
const CHARTS = 11;
/** Each test drives a browser for several seconds: its own timeout, whatever the run's default is. */
const SLOW = 30_000;

describe.skipIf(!E2E_RUNS)("metrics page", () => {
  let env: DashboardEnv;
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), "bifrost-metrics-e2e-"));
  const logsDb = join(dir, "logs.db");

  const admin = async (path: string, init: RequestInit = {}) => {
    const r = await env.gw.fetch(path, { ...init, headers: { authorization: ADMIN_BASIC, "content-type": "application/json", ...init.headers } });
    return { status: r.status, body: (await r.json()) as any };
  };
  const chat = (model: string) =>
    env.gw.fetch("/v1/chat/completions", { method: "POST", headers: { authorization: ADMIN_BASIC, "content-type": "application/json" }, body: JSON.stringify({ model, messages: [{ role: "user", content: "how many requests per second" }] }) });
  const stats = async (query = "") => (await admin(`/api/logs/stats${query}`)).body;

  dashboardSession((e, b) => ((env = e), (browser = b)), { logs_store: { enabled: true, type: "sqlite", config: { path: logsDb } } });
  beforeAll(async () => {
    // A second provider, added as an operator would.
    const added = await admin("/api/providers", {
      method: "POST",
      body: JSON.stringify({ provider: "anthropic", keys: [{ name: "claude", value: "sk-ant-upstream", models: ["*"], weight: 1 }], network_config: { base_url: env.mock.url } }),
    });
    expect(added.status).toBe(200);
    // Nine requests: four gpt-4o-mini answers, two gpt-4o-mini failures (the mock answers 400), three claude answers.
    env.mock.fault({ status: 400, message: "mock says no", times: 2, match: { model: "gpt-4o-mini" } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await chat("openai/gpt-4o-mini")).status);
    for (let i = 0; i < 3; i++) statuses.push((await chat("anthropic/claude-3-5-haiku-20241022")).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(7);
    await eventually(async () => (await stats()).total_requests === 9);
  }, SLOW);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const stat = (page: Page, label: string) => page.getByRole("group", { name: label, exact: true }).locator(".value");
  const tile = async (page: Page, label: string, text: string) => {
    await stat(page, label).filter({ hasText: new RegExp(`^${text.replace(/[$.]/g, "\\$&")}$`) }).waitFor();
  };
  const canvases = (page: Page) => page.locator("figure.chart .uplot canvas").count();

  test("tiles show the API's totals; every chart is drawn; the range and provider filters narrow them", async () => {
    const all = await stats();
    const { page, context, problems } = await openDashboard(browser, env.gw, "desktop", { hash: "#/metrics?range=15m" });
    await expectHeading(page, "Metrics");
    await tile(page, "Requests", "9");
    await tile(page, "Success rate", fmtPct(7 / 9));
    await tile(page, "Tokens", fmtInt(all.total_tokens));
    await tile(page, "Cost", fmtCost(all.total_cost));
    await tile(page, "Avg latency", fmtMs(all.average_latency));
    expect(all.total_cost).toBeGreaterThan(0);
    expect(await canvases(page)).toBe(CHARTS);
    await expect(page.getByRole("group", { name: "Requests", exact: true }).textContent()).resolves.toContain("2 failed");

    // The breakdowns: per model (two failed gpt-4o-mini requests), per provider.
    const models = page.getByRole("region", { name: "Totals by model" });
    const cells = (name: RegExp) => models.getByRole("row", { name }).getByRole("cell").allTextContents();
    expect((await cells(/gpt-4o-mini/)).slice(0, 3)).toEqual(["gpt-4o-mini", "6", "2"]);
    expect((await cells(/claude-3-5-haiku/)).slice(1, 3)).toEqual(["3", "0"]);
    const providers = page.getByRole("region", { name: "Totals by provider" });
    expect(await providers.getByRole("row").count()).toBe(3); // header, anthropic, openai
    // The legend names each provider's line.
    await page.getByRole("figure", { name: "Requests per second by provider" }).getByText("anthropic").waitFor();

    // Range: 7 days in day buckets; the same nine requests.
    await page.getByRole("group", { name: "Time range" }).getByRole("button", { name: "7 d" }).click();
    await page.getByRole("button", { name: "7 d", pressed: true }).waitFor();
    await page.getByText(/1-day buckets/).waitFor();
    expect(await page.evaluate("location.hash")).toBe("#/metrics?range=7d");
    await tile(page, "Requests", "9");

    // Provider: anthropic only.
    await page.getByLabel("Provider", { exact: true }).selectOption("anthropic");
    await tile(page, "Requests", "3");
    await tile(page, "Success rate", "100.0%");
    const claude = await stats(`?providers=anthropic`);
    await tile(page, "Tokens", fmtInt(claude.total_tokens));
    await tile(page, "Cost", fmtCost(claude.total_cost));
    await eventually(async () => (await models.getByRole("row").count()) === 2);
    expect(await models.textContent()).not.toContain("gpt-4o-mini");
    expect(await page.evaluate("location.hash")).toBe("#/metrics?range=7d&provider=anthropic");
    // The choices stay: openai can be picked again.
    await page.getByLabel("Provider", { exact: true }).selectOption("openai");
    await tile(page, "Requests", "6");
    await page.getByLabel("Model", { exact: true }).selectOption("gpt-4o-mini");
    await tile(page, "Success rate", fmtPct(4 / 6));
    await page.getByLabel("Provider", { exact: true }).selectOption("");
    await page.getByLabel("Model", { exact: true }).selectOption("");
    await tile(page, "Requests", "9");

    // Refresh picks up a new request.
    expect((await chat("openai/gpt-4o-mini")).status).toBe(200);
    await eventually(async () => (await stats()).total_requests === 10);
    await page.getByRole("button", { name: "Refresh" }).click();
    await tile(page, "Requests", "10");
    expect(problems).toEqual([]);
    await context.close();
  }, SLOW);

  test("an hour of traffic: charts fill the width and follow it, at 1280 px and at 390 px (screenshots)", async () => {
    seedHour(logsDb);
    const total = (await stats(`?start_time=${new Date(Date.now() - 3_600_000).toISOString()}`)).total_requests;
    expect(total).toBeGreaterThan(100);

    const desktop = await openDashboard(browser, env.gw, "desktop", { hash: "#/metrics" });
    await tile(desktop.page, "Requests", fmtInt(total));
    await desktop.page.getByText(/1-minute buckets/).waitFor();
    expect(await canvases(desktop.page)).toBe(CHARTS);
    const width = () => desktop.page.locator("figure.chart .uplot").first().evaluate((el) => el.getBoundingClientRect().width);
    const boxWidth = () => desktop.page.locator("figure.chart .chart-box").first().evaluate((el) => el.clientWidth);
    expect(Math.abs((await width()) - (await boxWidth()))).toBeLessThan(2);
    await screenshot(desktop.page, "metrics", "desktop");
    // Another window width: the charts take their boxes' new width (ResizeObserver), nothing sticks out.
    const before = await width();
    await desktop.page.setViewportSize({ width: 900, height: 860 });
    await eventually(async () => (await width()) !== before && Math.abs((await width()) - (await boxWidth())) < 2);
    expect(desktop.problems).toEqual([]);
    await desktop.context.close();

    const phone = await openDashboard(browser, env.gw, "phone", { hash: "#/metrics" });
    await tile(phone.page, "Requests", fmtInt(total));
    expect(await canvases(phone.page)).toBe(CHARTS);
    const overflow = await phone.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
    expect(overflow).toBe(0);
    const chartWidth = await phone.page.locator("figure.chart .uplot").first().evaluate((el) => el.getBoundingClientRect().right);
    expect(chartWidth).toBeLessThanOrEqual(390);
    await screenshot(phone.page, "metrics", "phone");
    expect(phone.problems).toEqual([]);
    await phone.context.close();
  }, SLOW);

  test("without request logs the page says how to turn them on", async () => {
    const off = await dashboardGateway({ logs_store: { enabled: false } });
    try {
      const { page, context, problems } = await openDashboard(browser, off.gw, "desktop", { hash: "#/metrics" });
      await page.getByRole("heading", { name: "Request logging is off" }).waitFor();
      await expect(page.locator("main#main").textContent()).resolves.toContain('"logs_store"');
      expect(await canvases(page)).toBe(0);
      // The 404s that told the page so are expected console noise; nothing else.
      expect(problems.filter((p) => !/404/.test(p))).toEqual([]);
      await context.close();
    } finally {
      await off.close();
    }
  }, SLOW);
});

/**
 * An hour of earlier traffic, written straight into the gateway's log table (the gateway can only log
 * "now"): per model a few requests a minute in slow waves, latency rising with load, some failures,
 * so the charts have shape.
 */
function seedHour(path: string): void {
  const db = new Database(path);
  db.exec("PRAGMA busy_timeout = 5000");
  const insert = db.prepare(
    `INSERT INTO logs (id, timestamp_ms, object_type, provider, model, requested_model, status, latency, prompt_tokens, completion_tokens, total_tokens, cost, created_at_ms)
     VALUES (?1, ?2, 'chat.completion', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?2)`,
  );
  const models = [
    { provider: "openai", model: "gpt-4o-mini", ms: 380, price: 0.00002, load: 4 },
    { provider: "openai", model: "gpt-4o", ms: 900, price: 0.0004, load: 2 },
    { provider: "anthropic", model: "claude-3-5-haiku-20241022", ms: 620, price: 0.00008, load: 3 },
  ];
  const now = Date.now();
  db.transaction(() => {
    for (let minute = 59; minute >= 2; minute--) {
      models.forEach((m, k) => {
        const wave = 1 + Math.sin((minute + k * 11) / 8);
        const n = Math.round(m.load * (0.4 + wave * 0.6));
        for (let i = 0; i < n; i++) {
          const failed = (minute * 7 + i * 3 + k) % 17 === 0;
          const prompt = 40 + ((minute * 13 + i * 29 + k * 7) % 90);
          const completion = failed ? 0 : 60 + ((minute * 31 + i * 17) % 120);
          const latency = m.ms * (0.7 + wave * 0.3) + ((minute * 37 + i * 53) % 200);
          const at = now - minute * 60_000 + Math.floor((i * 60_000) / (n + 1));
          insert.run(`seed-${k}-${minute}-${i}`, at, m.provider, m.model, `${m.provider}/${m.model}`, failed ? "error" : "success", latency, prompt, completion, prompt + completion, failed ? null : (prompt + completion) * m.price);
        }
      });
    }
  })();
  db.close();
}

/**
 * Driving the dashboard in headless Chromium (Debian's `chromium`, through playwright-core): a
 * gateway with admin auth, request logs and governance on, pointed at the mock upstream; a logged-in
 * page at a given width; screenshots into tests/e2e/screenshots/ (written by every run, not committed).
 * Every page load fails its test on a console error or a request leaving the gateway's origin.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll } from "bun:test";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { openGateway, type Gateway } from "../../support/gateway";
import { startMockUpstream, type MockUpstream } from "../../support/mock-upstream";

export const ADMIN = { username: "admin", password: "dashboard-e2e-password" };
export const SCREENSHOTS = join(import.meta.dir, "../screenshots");
export const WIDTHS = { desktop: { width: 1280, height: 860 }, phone: { width: 390, height: 844 } } as const;
export type WidthName = keyof typeof WIDTHS;

const CANDIDATES = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].filter(Boolean) as string[];

/** Chromium's path, or null (tests then skip with the reason printed; CI installs it, so CI fails instead). */
export function chromiumPath(): string | null {
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** Whether the browser tests run here: Chromium found, or CI (which installs it, so a missing one fails there). */
export const E2E_RUNS = chromiumPath() !== null || !!process.env.CI;
if (!E2E_RUNS) console.warn("dashboard e2e skipped: Chromium not found (apt-get install chromium, or set CHROMIUM_PATH)");

/** The admin's Basic credentials, for API calls a test makes beside the page. */
export const ADMIN_BASIC = `Basic ${btoa(`${ADMIN.username}:${ADMIN.password}`)}`;

export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error("Chromium not found: apt-get install chromium (or set CHROMIUM_PATH)");
  return chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"] });
}

export interface DashboardEnv {
  gw: Gateway;
  mock: MockUpstream;
  close(): Promise<void>;
}

/**
 * A gateway with auth_config, logs_store (SQLite) and governance, and an `openai` provider on the mock
 * upstream. `extra` is merged into the config's top level (`providers` replaces the default one).
 */
export async function dashboardGateway(extra: Record<string, unknown> = {}): Promise<DashboardEnv> {
  const mock = await startMockUpstream();
  const gw = await openGateway(
    {
      providers: { openai: { keys: [{ name: "main", value: "sk-upstream-secret-value", models: ["*"], weight: 1 }], network_config: { base_url: mock.url } } },
      auth_config: { is_enabled: true, admin_username: ADMIN.username, admin_password: "env.ADMIN_PW" },
      logs_store: { enabled: true, type: "sqlite", config: { path: "logs.db" } },
      client: { enable_governance: true },
      ...extra,
    },
    { env: { ADMIN_PW: ADMIN.password } },
  );
  return {
    gw,
    mock,
    async close() {
      await gw.close();
      await mock.stop();
    },
  };
}

/**
 * One gateway (`dashboardGateway(extra)`) and one browser for the describe block that calls this: started
 * together before its tests and handed to `use`, closed after them. The hooks get 60 s (Chromium on a
 * loaded 2-core machine); a block's own hooks, registered after, run after these start and before they close.
 */
export function dashboardSession(use: (env: DashboardEnv, browser: Browser) => void, extra: Record<string, unknown> = {}): void {
  let env: DashboardEnv | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [env, browser] = await Promise.all([dashboardGateway(extra), launchBrowser()]);
    use(env, browser);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  }, 60_000);
}

export interface OpenPage {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors and requests to another origin seen so far. */
  problems: string[];
}

/** A new browser context at `width`, on the dashboard, logged in (when `login` is not false). */
export async function openDashboard(browser: Browser, gw: Gateway, width: WidthName = "desktop", opts: { login?: boolean; hash?: string } = {}): Promise<OpenPage> {
  const context = await browser.newContext({ viewport: WIDTHS[width], reducedMotion: "reduce" });
  const page = await context.newPage();
  const problems: string[] = [];
  const origin = new URL(gw.url).origin;
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith(origin.replace("http", "ws")) && !u.startsWith("data:")) problems.push(`external request: ${u}`);
  });
  await page.goto(`${gw.url}/${opts.hash ?? ""}`);
  if (opts.login !== false) await logIn(page);
  return { context, page, problems };
}

export async function logIn(page: Page, user = ADMIN.username, password = ADMIN.password): Promise<void> {
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.locator("main#main").waitFor();
}

/** Go to a page of the dashboard by its hash route (#/providers). */
export async function goTo(page: Page, id: string): Promise<void> {
  await page.evaluate(`location.hash = ${JSON.stringify(`#/${id}`)}`);
  await page.locator("main#main h1").first().waitFor();
}

/** A full-page screenshot at tests/e2e/screenshots/<name>-<width>.png. */
export async function screenshot(page: Page, name: string, width: WidthName): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}-${width}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Waits until the page's title (its h1) reads `title`. */
export async function expectHeading(page: Page, title: string): Promise<void> {
  await page.getByRole("heading", { level: 1, name: title, exact: true }).waitFor();
}

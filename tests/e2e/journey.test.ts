/**
 * Issue 16's "done when", one user's session end to end in Chromium: log in, add a provider pointing at
 * the mock upstream, send a playground request and see it stream, see it arrive in the live log, create a
 * virtual key and watch its usage move after a request with it, toggle a plugin. The README's screenshot
 * (docs/dashboard.png) is taken here, from the log page this session filled.
 */
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { eventually } from "../support/wait";
import { ADMIN_BASIC, E2E_RUNS, dashboardSession, expectHeading, openDashboard, screenshot, type DashboardEnv } from "./support/dashboard";

// Bun 1.4.5 applies the preload's default timeout to the first file of a run only: each e2e file sets its own.
setDefaultTimeout(60_000);


const nav = (page: import("playwright-core").Page, title: string) => page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: title, exact: true }).click();

describe.skipIf(!E2E_RUNS)("a dashboard session, end to end", () => {
  let env: DashboardEnv;
  let browser: Browser;
  dashboardSession((e, b) => ((env = e), (browser = b)), { plugins: [{ name: "mocker", enabled: true, config: { default: { latency_ms: 0 } } }] });

  test("log in → add a provider → stream in the playground → the live log → a virtual key's usage moves → a plugin toggled", async () => {
    const { page, problems, context } = await openDashboard(browser, env.gw, "desktop");

    // 1. A provider pointing at the mock upstream, added through the Providers page.
    await nav(page, "Providers");
    await expectHeading(page, "Providers");
    await page.getByRole("button", { name: "Add provider" }).click();
    const add = page.getByRole("form", { name: "Add provider" });
    await add.getByLabel("Custom provider").check();
    await add.getByLabel("Name", { exact: true }).fill("local-llm");
    await add.getByLabel("API it speaks").selectOption("openai");
    await add.getByLabel("Base URL").fill(env.mock.url);
    await add.getByLabel("Key name").fill("primary");
    await add.getByLabel("Key value").fill("sk-journey-upstream-key");
    await add.getByLabel("Key models").fill("gpt-4o-mini");
    await add.getByRole("button", { name: "Add provider" }).click();
    await page.locator('section[data-provider="local-llm"]').getByRole("heading", { name: "local-llm" }).waitFor();
    const providers = (await (await env.gw.fetch("/api/providers", { headers: { authorization: ADMIN_BASIC } })).json()) as { providers: Array<{ name: string }> };
    expect(providers.providers.map((p: { name: string }) => p.name)).toContain("local-llm");

    // 2. The playground streams from it: the mock pauses mid-stream, so the partial text is seen before the end.
    let release!: () => void;
    env.mock.fault({ match: { path: "/v1/chat/completions" }, pauseAfterChunks: 3, resumeWhen: new Promise<void>((r) => (release = r)) });
    await nav(page, "Playground");
    await expectHeading(page, "Playground");
    await page.getByLabel("Model", { exact: true }).fill("local-llm/gpt-4o-mini");
    await page.getByLabel("Message", { exact: true }).fill("journey question");
    await page.getByRole("button", { name: "Send" }).click();
    const answer = page.getByRole("article", { name: /^Assistant message/ }).last();
    await answer.getByText("streaming").waitFor();
    const partial = (await answer.getByTestId("message-text").textContent()) ?? "";
    expect(partial.length).toBeGreaterThan(0);
    release();
    await answer.getByTestId("answer-meta").waitFor();
    const full = (await answer.getByTestId("message-text").textContent()) ?? "";
    expect(full.startsWith(partial)).toBe(true);
    expect(full.length).toBeGreaterThan(partial.length);
    const upstream = env.mock.requests.filter((r) => r.path === "/v1/chat/completions").at(-1)!;
    expect(upstream.headers.authorization).toBe("Bearer sk-journey-upstream-key");
    const requestId = ((await answer.getByRole("link", { name: /^Log of request / }).getAttribute("href")) ?? "").split("/").pop()!.split("?")[0]!;
    expect(requestId.length).toBeGreaterThan(8);

    // 3. The Logs page is live: a request sent while it is open appears without a reload, and the playground's is there.
    await nav(page, "Logs");
    await expectHeading(page, "Logs");
    const table = page.getByRole("region", { name: "Request logs" });
    await table.locator(`tbody tr[data-id="${decodeURIComponent(requestId)}"]`).waitFor();
    const sent = await fetch(`${env.gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: ADMIN_BASIC },
      body: JSON.stringify({ model: "local-llm/gpt-4o-mini", messages: [{ role: "user", content: "sent while the log is open" }] }),
    });
    expect(sent.status).toBe(200);
    const liveId = sent.headers.get("x-request-id")!;
    await table.locator(`tbody tr[data-id="${liveId}"]`).waitFor();

    // 4. A virtual key created on the Governance page; its usage bar moves after one request with it.
    await nav(page, "Governance");
    await expectHeading(page, "Governance");
    await page.getByRole("button", { name: "Create virtual key" }).click();
    const dialog = page.getByRole("dialog", { name: "Create virtual key" });
    await dialog.getByLabel("Name", { exact: true }).fill("journey-app");
    await dialog.getByLabel(/^Allow any provider/).check();
    await dialog.getByLabel("Request limit").fill("10");
    await dialog.getByLabel("Requests reset every").fill("1h");
    await dialog.getByRole("button", { name: "Create", exact: true }).click();
    const shown = page.getByRole("dialog", { name: "Virtual key created" });
    const vk = (await shown.getByTestId("secret-value").textContent()) ?? "";
    expect(vk).toStartWith("sk-bf-");
    await shown.getByRole("button", { name: "Done" }).click();
    const requests = page.locator('[role=progressbar][aria-label="Requests of journey-app"]');
    await requests.waitFor();
    expect(await requests.getAttribute("aria-valuenow")).toBe("0");
    const withKey = await fetch(`${env.gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${vk}` },
      body: JSON.stringify({ model: "local-llm/gpt-4o-mini", messages: [{ role: "user", content: "with the key" }] }),
    });
    expect(withKey.status).toBe(200);
    await page.locator('[role=progressbar][aria-label="Requests of journey-app"][aria-valuenow="1"]').waitFor();

    // 5. A plugin toggled on the Plugins page, and requests follow it.
    await nav(page, "Plugins");
    await expectHeading(page, "Plugins");
    const mocker = page.getByRole("region", { name: "mocker", exact: true });
    const mockChat = () =>
      fetch(`${env.gw.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: ADMIN_BASIC },
        body: JSON.stringify({ model: "mock/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
      }).then(async (r) => (await r.text(), r.status));
    expect(await mockChat()).toBe(200);
    await mocker.getByRole("switch", { name: "Enabled" }).click();
    await mocker.getByText("disabled", { exact: true }).waitFor();
    await eventually(async () => (await mockChat()) === 400);

    // The README's picture: the log this session filled.
    await nav(page, "Logs");
    await table.locator(`tbody tr[data-id="${liveId}"]`).waitFor();
    const shot = await screenshot(page, "journey-logs", "desktop");
    mkdirSync(join(import.meta.dir, "../../docs"), { recursive: true });
    if (process.env.UPDATE_README_SCREENSHOT) copyFileSync(shot, join(import.meta.dir, "../../docs/dashboard.png"));

    // Nothing in the session's pages showed a key: neither the upstream's nor the virtual key (after its one-time display).
    const text = await page.evaluate("document.body.innerText");
    expect(String(text)).not.toContain("sk-journey-upstream-key");
    expect(String(text)).not.toContain(vk);
    expect(problems).toEqual([]);
    await context.close();
  });
});

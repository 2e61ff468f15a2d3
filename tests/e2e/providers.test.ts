/**
 * The Providers page in Chromium: add a custom provider on the mock upstream, add a key, test it
 * (the mock sees that key), edit network settings and a key (its value left masked keeps working),
 * see a key's error rate after upstream faults, delete with confirmation; usable at phone width.
 */
import { describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { PROVIDERS } from "../../src/providers/catalog";
import { PROVIDER_TYPES } from "../../ui/src/pages/providers/types";
import { ADMIN, E2E_RUNS, dashboardSession, expectHeading, goTo, openDashboard, screenshot, type DashboardEnv } from "./support/dashboard";

/** Stated per test: run with other files, the preload's setDefaultTimeout does not reach this one (Bun 1.4.5). */
const E2E_TIMEOUT = 30_000;


test("the page's provider types are the gateway's built-in ones", () => {
  expect(PROVIDER_TYPES.map((t) => t.id).sort()).toEqual(Object.keys(PROVIDERS).sort());
  for (const t of PROVIDER_TYPES) expect(!!t.keyless).toBe(!!PROVIDERS[t.id]!.keyless);
});

/** The management API with the admin's Basic credentials (not through the page: its console stays clean). */
async function adminApi(env: DashboardEnv, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await env.gw.fetch(path, {
    method,
    headers: { "content-type": "application/json", authorization: `Basic ${btoa(`${ADMIN.username}:${ADMIN.password}`)}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

/** The last chat request the mock upstream got (the dialog's /v1/models lookups reach it too). */
const lastChat = (env: DashboardEnv) => env.mock.requests.findLast((r) => r.path.endsWith("/chat/completions"));

describe.skipIf(!E2E_RUNS)("providers page", () => {
  let env: DashboardEnv;
  let browser: Browser;
  dashboardSession((e, b) => ((env = e), (browser = b)));

  test("add a provider and a key, test it, edit settings and a key, see its error rate after faults", async () => {
    const { page, problems, context } = await openDashboard(browser, env.gw, "desktop");
    await goTo(page, "providers");
    await expectHeading(page, "Providers");
    await page.getByRole("heading", { level: 2, name: "openai", exact: true }).waitFor();

    // Add a custom OpenAI-compatible provider on the mock upstream, with its first key.
    await page.getByRole("button", { name: "Add provider" }).click();
    const add = page.getByRole("form", { name: "Add provider" });
    await add.getByLabel("Custom provider").check();
    await add.getByLabel("Name", { exact: true }).fill("local-llm");
    await add.getByLabel("API it speaks").selectOption("openai");
    await add.getByLabel("Base URL").fill(env.mock.url);
    await add.getByLabel("Max retries").fill("0");
    await add.getByLabel("Key name").fill("primary");
    await add.getByLabel("Key value").fill("sk-e2e-primary-1111");
    await add.getByLabel("Key models").fill("gpt-4o-mini");
    await add.getByRole("button", { name: "Add provider" }).click();
    const card = page.locator('section[data-provider="local-llm"]');
    await card.getByRole("heading", { name: "local-llm" }).waitFor();
    await card.getByText("custom", { exact: true }).waitFor();

    // A second key, serving every model.
    await page.getByRole("button", { name: "Add key to local-llm" }).click();
    const addKey = page.getByRole("form", { name: "Add key to local-llm" });
    await addKey.getByLabel("Name").fill("backup");
    await addKey.getByLabel("Value").fill("sk-e2e-backup-2222");
    await addKey.getByRole("button", { name: "Add key" }).click();
    await card.locator('tr[data-key="backup"]').waitFor();

    // Test pinned to the key: success with its latency, and the mock saw that key.
    await page.getByRole("button", { name: "Test key backup of local-llm" }).click();
    const testForm = page.getByRole("form", { name: "Test key backup" });
    await testForm.getByLabel("Model").fill("gpt-4o-mini");
    await testForm.getByRole("button", { name: "Send test request" }).click();
    await testForm.getByTestId("test-outcome").getByText("Success").waitFor();
    expect(await testForm.getByTestId("test-outcome").textContent()).toMatch(/in \d+(\.\d+)? m?s/);
    const seen = lastChat(env)!;
    expect(seen.headers.authorization).toBe("Bearer sk-e2e-backup-2222");
    expect(seen.body.model).toBe("gpt-4o-mini");
    await testForm.getByRole("button", { name: "Close" }).click();

    // Edit network settings; the API answers with them.
    await page.getByRole("button", { name: "Edit provider local-llm" }).click();
    const edit = page.getByRole("form", { name: "Edit local-llm" });
    expect(await edit.getByLabel("Base URL").inputValue()).toBe(env.mock.url);
    await edit.getByLabel("Timeout (seconds)").fill("12");
    await edit.getByLabel("Concurrency").fill("7");
    await edit.getByRole("button", { name: "Save" }).click();
    await card.getByTestId("queue").getByText("limit 7").waitFor();
    const got = await adminApi(env, "GET", "/api/providers");
    expect(got.status).toBe(200);
    got.json = got.json.providers.find((p: any) => p.name === "local-llm");
    expect(got.json.network_config).toMatchObject({ base_url: env.mock.url, default_request_timeout_in_seconds: 12, max_retries: 0 });
    expect(got.json.concurrency_and_buffer_size.concurrency).toBe(7);
    expect(got.json.custom_provider_config).toEqual({ base_provider_type: "openai" });

    // Rename a key without typing its value: the stored value still goes upstream.
    await page.getByRole("button", { name: "Edit key backup of local-llm" }).click();
    const editKey = page.getByRole("form", { name: "Edit key backup" });
    expect(await editKey.getByLabel("Value").inputValue()).toBe("");
    await editKey.getByLabel("Name").fill("secondary");
    await editKey.getByLabel("Weight").fill("2");
    await editKey.getByRole("button", { name: "Save key" }).click();
    await card.locator('tr[data-key="secondary"]').waitFor();

    // The provider test (the gateway picks the key), then a fault on the primary key: its error rate shows.
    await page.getByRole("button", { name: "Test provider local-llm" }).click();
    const testProvider = page.getByRole("form", { name: "Test local-llm" });
    expect(await testProvider.getByLabel("Model").inputValue()).toBe("gpt-4o-mini"); // from the keys' models
    await testProvider.getByRole("button", { name: "Send test request" }).click();
    await testProvider.getByTestId("test-outcome").getByText("Success").waitFor();
    expect(["Bearer sk-e2e-primary-1111", "Bearer sk-e2e-backup-2222"]).toContain(lastChat(env)!.headers.authorization!);
    await testProvider.getByRole("button", { name: "Close" }).click();

    await page.getByRole("button", { name: "Test key primary of local-llm" }).click();
    const testPrimary = page.getByRole("form", { name: "Test key primary" });
    await testPrimary.getByRole("button", { name: "Send test request" }).click();
    await testPrimary.getByTestId("test-outcome").getByText("Success").waitFor();
    env.mock.fault({ status: 500, message: "upstream exploded (e2e)" });
    await testPrimary.getByRole("button", { name: "Send test request" }).click();
    await testPrimary.getByTestId("test-outcome").getByText("Failed · 500").waitFor();
    expect(await testPrimary.getByTestId("test-outcome").textContent()).toContain("upstream exploded (e2e)");
    await testPrimary.getByRole("button", { name: "Close" }).click();

    const stats = (await adminApi(env, "GET", "/api/providers/local-llm")).json.key_stats;
    const primary = stats.find((s: any) => s.key === "primary");
    expect(primary.errors).toBeGreaterThanOrEqual(1);
    expect(primary.requests).toBeGreaterThanOrEqual(2);
    const shownRate = `${Math.round(primary.error_rate * 100)}%`;
    await card.locator('tr[data-key="primary"]').getByTestId("error-rate").getByText(shownRate).waitFor();
    await card.locator('tr[data-key="primary"]').getByText("gpt-4o-mini: closed").waitFor();

    // No key value is ever on the page.
    const html = await page.content();
    for (const secret of ["sk-e2e-primary-1111", "sk-e2e-backup-2222", "sk-upstream-secret-value"]) expect(html).not.toContain(secret);

    await screenshot(page, "providers", "desktop");
    // The one console error is the test request the fault failed (Chromium logs every 5xx answer).
    expect(problems).toEqual(["console: Failed to load resource: the server responded with a status of 500 (Internal Server Error)"]);
    await context.close();
  }, E2E_TIMEOUT);

  test("phone width: cards stack and each key row reads as a small card with its error rate; delete asks first", async () => {
    const { page, problems, context } = await openDashboard(browser, env.gw, "phone");
    const created = await adminApi(env, "POST", "/api/providers", {
      provider: "phone-llm",
      keys: [{ name: "only", value: "sk-e2e-phone-3333", models: ["gpt-4o-mini", "gpt-4o"] }],
      network_config: { base_url: env.mock.url },
      custom_provider_config: { base_provider_type: "openai" },
    });
    expect(created.status).toBe(200);
    await goTo(page, "providers");
    const card = page.locator('section[data-provider="phone-llm"]');
    await card.getByRole("heading", { name: "phone-llm" }).waitFor();
    // Nothing scrolls sideways: not the page, not the keys; a key's error rate and buttons are in view.
    const overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
    expect(overflow).toBeLessThanOrEqual(0);
    const keys = card.getByRole("region", { name: "Keys of phone-llm" });
    expect(await keys.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    const row = card.locator('tr[data-key="only"]');
    expect(await row.getByTestId("error-rate").isVisible()).toBe(true);
    const testKey = page.getByRole("button", { name: "Test key only of phone-llm" });
    const box = (await testKey.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(await page.getByRole("button", { name: "Add provider" }).isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Test provider phone-llm" }).isVisible()).toBe(true);
    await screenshot(page, "providers", "phone");

    // Dismissing the confirmation keeps it; accepting deletes it.
    page.once("dialog", (d) => void d.dismiss());
    await page.getByRole("button", { name: "Delete provider phone-llm" }).click();
    expect((await adminApi(env, "GET", "/api/providers/phone-llm")).status).toBe(200);
    page.once("dialog", (d) => void d.accept());
    await page.getByRole("button", { name: "Delete provider phone-llm" }).click();
    await card.waitFor({ state: "detached" });
    expect((await adminApi(env, "GET", "/api/providers/phone-llm")).status).toBe(404);
    if ((await page.locator('section[data-provider="local-llm"]').count()) > 0) {
      page.once("dialog", (d) => void d.accept());
      await page.getByRole("button", { name: "Delete provider local-llm" }).click();
      await page.locator('section[data-provider="local-llm"]').waitFor({ state: "detached" });
      expect((await adminApi(env, "GET", "/api/providers/local-llm")).status).toBe(404);
    }
    expect(problems).toEqual([]);
    await context.close();
  }, E2E_TIMEOUT);
});

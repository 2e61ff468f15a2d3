/** The Plugins page in Chromium: the configured plugins, the enable switch, the generated settings form, adding and removing a plugin. */
import { describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { eventually } from "../support/wait";
import { ADMIN_BASIC, E2E_RUNS, dashboardSession, expectHeading, goTo, openDashboard, screenshot, type DashboardEnv } from "./support/dashboard";

// Explicit: in a run of many files Bun 1.4.5 applied its 5 s default here, not the preload's 30 s.
const E2E_TIMEOUT_MS = 30_000;


describe.skipIf(!E2E_RUNS)("plugins page", () => {
  let env: DashboardEnv;
  let browser: Browser;
  // mocker answers mock/* models; the default plugins (telemetry, logging, governance) come with the dashboard gateway.
  dashboardSession((e, b) => ((env = e), (browser = b)), { plugins: [{ name: "mocker", enabled: true, config: { default: { latency_ms: 0 } } }] });

  const apiGet = async (path: string) => (await fetch(`${env.gw.url}${path}`, { headers: { authorization: ADMIN_BASIC } })).json() as Promise<any>;
  const chat = async () => {
    const res = await fetch(`${env.gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: ADMIN_BASIC },
      body: JSON.stringify({ model: "mock/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const open = async (width: "desktop" | "phone") => {
    const o = await openDashboard(browser, env.gw, width);
    await goTo(o.page, "plugins");
    await expectHeading(o.page, "Plugins");
    return o;
  };
  const card = (page: Page, name: string) => page.getByRole("region", { name, exact: true });

  test("lists the configured plugins with state, version, hooks and placement; both widths", async () => {
    const { page, problems, context } = await open("desktop");
    const mocker = card(page, "mocker");
    await mocker.getByText("active", { exact: true }).waitFor();
    await mocker.getByText("Canned responses and errors for matching requests; answers mock/* models").waitFor();
    await mocker.getByText("preRequest").waitFor();
    await mocker.getByText("builtin, order 0").waitFor();
    expect(await mocker.getByRole("switch", { name: "Enabled" }).isChecked()).toBe(true);
    for (const name of ["telemetry", "logging", "governance"]) await card(page, name).getByText("active", { exact: true }).waitFor();
    await card(page, "governance").getByText("pre_builtin, order -1000").waitFor();
    await screenshot(page, "plugins", "desktop");
    expect(problems).toEqual([]);
    await context.close();

    const phone = await open("phone");
    await card(phone.page, "mocker").getByRole("switch", { name: "Enabled" }).waitFor();
    // Nothing wider than the screen: the page does not scroll sideways.
    expect(await phone.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
    await screenshot(phone.page, "plugins", "phone");
    // The settings form stacks at phone width too.
    await card(phone.page, "logging").getByRole("button", { name: "Configure logging" }).click();
    const dialog = phone.page.getByRole("dialog", { name: "Configure logging" });
    await dialog.getByLabel("batch_size").waitFor();
    // logging's store is a union of objects: a JSON field holding the current value.
    expect(JSON.parse(await dialog.getByLabel("store").inputValue())).toMatchObject({ type: "sqlite" });
    await screenshot(phone.page, "plugins-config", "phone");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect(phone.problems).toEqual([]);
    await phone.context.close();
  }, E2E_TIMEOUT_MS);

  test("the switch turns mocker off and on: the API shows it and requests follow", async () => {
    const { page, problems, context } = await open("desktop");
    const mocker = card(page, "mocker");
    const sw = mocker.getByRole("switch", { name: "Enabled" });
    expect((await chat()).status).toBe(200);

    await sw.click();
    await mocker.getByText("disabled", { exact: true }).waitFor();
    expect(await sw.isChecked()).toBe(false);
    expect(await apiGet("/api/plugins/mocker")).toMatchObject({ state: "disabled", enabled: false });
    // Without mocker no provider serves mock/*.
    expect((await chat()).status).toBe(400);

    await sw.click();
    await mocker.getByText("active", { exact: true }).waitFor();
    expect(await sw.isChecked()).toBe(true);
    expect(await apiGet("/api/plugins/mocker")).toMatchObject({ state: "active", enabled: true });
    const after = await chat();
    expect(after.status).toBe(200);
    expect(after.body.choices[0].message.content).toContain("mock response");
    expect(problems).toEqual([]);
    await context.close();
  }, E2E_TIMEOUT_MS);

  test("the form generated from mocker's schema: an API validation error shows at its field; a changed field is applied", async () => {
    const { page, problems, context } = await open("desktop");
    await card(page, "mocker").getByRole("button", { name: "Configure mocker" }).click();
    const dialog = page.getByRole("dialog", { name: "Configure mocker" });
    await dialog.waitFor();
    const defaults = dialog.getByRole("group", { name: "default" });
    // Controls from the schema: a checkbox, a text input with its default as a hint, numbers with their range.
    expect(await defaults.getByRole("checkbox", { name: "enabled" }).isChecked()).toBe(true);
    await defaults.getByText("From 1 to 8192. Default: 1536.").waitFor();
    expect(await defaults.getByLabel("latency_ms").inputValue()).toBe("0");

    // rules (objects) is a JSON field; a rule the gateway refuses comes back as a 400 naming the field.
    await dialog.getByLabel("rules").fill('[{"probability": 2}]');
    await dialog.getByRole("button", { name: "Save settings" }).click();
    await dialog.getByRole("alert").filter({ hasText: "rules[0].probability" }).first().waitFor();
    const fieldError = dialog.locator(".field.invalid", { has: page.getByLabel("rules") });
    await fieldError.getByText("probability").waitFor();
    await screenshot(page, "plugins-config-error", "desktop");
    expect((await apiGet("/api/plugins/mocker")).config.rules).toBeUndefined();

    await dialog.getByLabel("rules").fill("[]");
    await defaults.getByLabel("content").fill("Answered by the dashboard's mocker: {{input}}");
    await dialog.getByRole("button", { name: "Save settings" }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.getByRole("status").filter({ hasText: "mocker: settings saved" }).waitFor();
    const saved = await apiGet("/api/plugins/mocker");
    expect(saved.config).toEqual({ rules: [], default: { latency_ms: 0, content: "Answered by the dashboard's mocker: {{input}}" } });
    expect((await chat()).body.choices[0].message.content).toBe("Answered by the dashboard's mocker: hi");

    // Opened again, the form shows what is saved.
    await card(page, "mocker").getByRole("button", { name: "Configure mocker" }).click();
    expect(await page.getByRole("dialog", { name: "Configure mocker" }).getByRole("group", { name: "default" }).getByLabel("content").inputValue()).toBe("Answered by the dashboard's mocker: {{input}}");
    await page.getByRole("dialog", { name: "Configure mocker" }).getByRole("button", { name: "Cancel" }).click();
    // The refused save is the one failed request the browser reports.
    expect(problems).toEqual(["console: Failed to load resource: the server responded with a status of 400 (Bad Request)"]);
    await context.close();
  }, E2E_TIMEOUT_MS);

  test("a discovered plugin is added from the page, then removed after a confirmation", async () => {
    const { page, problems, context } = await open("desktop");
    await page.getByRole("button", { name: "Add plugin" }).click();
    const dialog = page.getByRole("dialog", { name: "Add a plugin" });
    await dialog.getByLabel("Plugin", { exact: true }).selectOption("jsonparser");
    await dialog.getByLabel("Config (JSON)").fill('{"mode": "every_chunk"}');
    await dialog.getByRole("button", { name: "Add plugin" }).click();
    await dialog.waitFor({ state: "hidden" });
    const jp = card(page, "jsonparser");
    await jp.getByText("active", { exact: true }).waitFor();
    expect(await apiGet("/api/plugins/jsonparser")).toMatchObject({ state: "active", enabled: true, config: { mode: "every_chunk" } });
    expect((await apiGet("/api/plugins")).available.map((a: any) => a.name)).not.toContain("jsonparser");

    // Its form: the union of literals is a select.
    await jp.getByRole("button", { name: "Configure jsonparser" }).click();
    const form = page.getByRole("dialog", { name: "Configure jsonparser" });
    expect(await form.getByLabel("mode", { exact: true }).inputValue()).toBe('"every_chunk"');
    await form.getByRole("button", { name: "Cancel" }).click();

    page.once("dialog", (d) => void d.accept());
    await jp.getByRole("button", { name: "Remove jsonparser" }).click();
    await jp.waitFor({ state: "detached" });
    await eventually(async () => (await fetch(`${env.gw.url}/api/plugins/jsonparser`, { headers: { authorization: ADMIN_BASIC } })).status === 404);
    expect(problems).toEqual([]);
    await context.close();
  }, E2E_TIMEOUT_MS);
});

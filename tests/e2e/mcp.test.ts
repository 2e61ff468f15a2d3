/** The MCP page in Chromium: the empty state, adding an HTTP client, its tools and state, editing, reconnecting and removing it. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { startMcpHttpServer, type McpHttpServer } from "../support/mcp-http-server";
import { ADMIN_BASIC, E2E_RUNS, dashboardSession, expectHeading, goTo, openDashboard, screenshot, type DashboardEnv } from "./support/dashboard";

// Explicit: in a run of many files Bun 1.4.5 applied its 5 s default here, not the preload's 30 s.
const E2E_TIMEOUT_MS = 30_000;

const HEADER_SECRET = "Bearer mcp-header-secret-4711";

describe.skipIf(!E2E_RUNS)("MCP page", () => {
  let env: DashboardEnv;
  let server: McpHttpServer;
  let browser: Browser;
  dashboardSession((e, b) => ((env = e), (browser = b)));
  beforeAll(async () => void (server = await startMcpHttpServer()), E2E_TIMEOUT_MS);
  afterAll(() => server?.stop(), 60_000);

  const api = async (path: string, init: RequestInit = {}) => (await fetch(`${env.gw.url}${path}`, { ...init, headers: { authorization: ADMIN_BASIC, "content-type": "application/json" } })).json() as Promise<any>;
  const open = async (width: "desktop" | "phone") => {
    const o = await openDashboard(browser, env.gw, width);
    await goTo(o.page, "mcp");
    await expectHeading(o.page, "MCP");
    return o;
  };
  const card = (page: Page, name: string) => page.getByRole("region", { name, exact: true });

  test("no clients: an empty state says how to add one", async () => {
    const { page, problems, context } = await open("desktop");
    await page.getByText("No MCP clients yet.").waitFor();
    await page.getByText("mcp.client_configs").waitFor();
    expect(problems).toEqual([]);
    await context.close();
  }, E2E_TIMEOUT_MS);

  test("an HTTP client added from the page connects and lists its tools; the header is masked; edit, reconnect, remove", async () => {
    const { page, problems, context } = await open("desktop");
    await page.getByRole("button", { name: "Add client" }).click();
    const dialog = page.getByRole("dialog", { name: "Add an MCP client" });
    await dialog.getByLabel("Name").fill("tools_http");
    await dialog.getByLabel("URL").fill(server.url);
    await dialog.getByLabel("Headers").fill(`Authorization: ${HEADER_SECRET}`);
    await dialog.getByLabel("Tools offered to models").fill("*");
    await dialog.getByLabel("Tools run by the gateway").fill("echo");
    await dialog.getByRole("button", { name: "Add client" }).click();
    await dialog.waitFor({ state: "hidden" });

    const c = card(page, "tools_http");
    await c.getByText("connected", { exact: true }).waitFor();
    await c.getByText("HTTP", { exact: true }).waitFor();
    await c.getByText("Tools (6)").waitFor();
    const tools = c.getByRole("list", { name: "Tools of tools_http" });
    await tools.getByText("Echoes the message back").waitFor();
    await tools.getByText("Adds two numbers").waitFor();
    // The input schema opens on demand.
    await tools.locator("summary", { hasText: "add" }).filter({ hasText: "Adds two numbers" }).click();
    const schema = page.getByLabel("Input schema of add");
    await schema.waitFor();
    expect(await schema.textContent()).toContain('"required": [\n    "a",\n    "b"\n  ]');
    await c.getByText("Authorization: ********", { exact: true }).waitFor();
    expect(await page.content()).not.toContain("mcp-header-secret-4711");

    const listed = await api("/api/mcp/clients");
    expect(listed).toMatchObject({ count: 1, clients: [{ state: "connected", config: { name: "tools_http", connection_type: "http", tools_to_execute: ["*"], tools_to_auto_execute: ["echo"] } }] });
    expect(JSON.stringify(listed)).not.toContain("mcp-header-secret-4711");
    await screenshot(page, "mcp", "desktop");

    // Edit: fewer tools offered; the masked header goes back as shown and the stored value is kept.
    await c.getByRole("button", { name: "Edit tools_http" }).click();
    const edit = page.getByRole("dialog", { name: "Edit tools_http" });
    expect(await edit.getByLabel("Headers").inputValue()).toBe("Authorization: ********");
    expect(await edit.getByLabel("URL").isDisabled()).toBe(true);
    await edit.getByLabel("Tools offered to models").fill("echo\nheaders");
    await edit.getByRole("button", { name: "Save" }).click();
    await edit.waitFor({ state: "hidden" });
    await c.getByText("echo, headers").waitFor();
    await c.getByText("connected", { exact: true }).waitFor();
    expect((await api("/api/mcp/clients")).clients[0].config.tools_to_execute).toEqual(["echo", "headers"]);
    expect(env.gw.bifrost.mcp!.configs()[0]!.headers).toEqual({ Authorization: HEADER_SECRET });
    // The server still gets the saved header.
    const seen = await api("/v1/mcp/tool/execute", { method: "POST", body: JSON.stringify({ id: "call_1", type: "function", function: { name: "tools_http-headers", arguments: "{}" } }) });
    expect(JSON.parse(seen.content).authorization).toBe(HEADER_SECRET);

    await c.getByRole("button", { name: "Reconnect tools_http" }).click();
    await page.getByRole("status").filter({ hasText: "reconnected successfully" }).waitFor();
    await c.getByText("connected", { exact: true }).waitFor();

    page.once("dialog", (d) => void d.accept());
    await c.getByRole("button", { name: "Remove tools_http" }).click();
    await page.getByText("No MCP clients yet.").waitFor();
    expect((await api("/api/mcp/clients")).count).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  }, E2E_TIMEOUT_MS);

  test("phone width: a client's card and its tools fit the screen", async () => {
    await api("/api/mcp/client", { method: "POST", body: JSON.stringify({ name: "tools_http", connection_type: "http", connection_string: server.url, headers: { authorization: HEADER_SECRET }, tools_to_execute: ["*"] }) });
    const { page, problems, context } = await open("phone");
    const c = card(page, "tools_http");
    await c.getByText("connected", { exact: true }).waitFor();
    await c.locator("summary", { hasText: "echo" }).filter({ hasText: "Echoes" }).click();
    await page.getByLabel("Input schema of echo").waitFor();
    expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
    await screenshot(page, "mcp", "phone");
    expect(problems).toEqual([]);
    await context.close();
  }, E2E_TIMEOUT_MS);
});

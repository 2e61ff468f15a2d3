/**
 * The playground in Chromium: a conversation through the gateway's own /v1/chat/completions with the
 * session cookie. A stream is seen arriving (the mock upstream stalls after a few chunks, so the partial
 * text is on screen while the stream is still open), stopped, then answered in full with usage, cost and
 * the log's link; a unary answer; the gateway's errors; a pasted virtual key; phone width.
 */
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { fmtCost } from "../../ui/src/format";
import { eventually } from "../support/wait";
import { E2E_RUNS, dashboardSession, expectHeading, goTo, openDashboard, screenshot, type DashboardEnv } from "./support/dashboard";

// Bun 1.4.5 applies the preload's setDefaultTimeout to the first file of a run only; later files get 5 s.
setDefaultTimeout(30_000);


const CHAT = "/v1/chat/completions";
/** A virtual key that may use openai/gpt-4o-mini only. */
const VK = "sk-bf-playground-e2e-key-value";

describe.skipIf(!E2E_RUNS)("playground", () => {
  let env: DashboardEnv;
  let browser: Browser;
  dashboardSession((e, b) => ((env = e), (browser = b)), {
      governance: { virtual_keys: [{ id: "vk-play", name: "playground", value: VK, provider_configs: [{ provider: "openai", weight: 1, allowed_models: ["gpt-4o-mini"] }] }] },
    });

  /** The playground, logged in, with the configured models offered and one picked. */
  async function openPlayground(width: "desktop" | "phone", model = "openai/gpt-4o-mini") {
    const opened = await openDashboard(browser, env.gw, width);
    await goTo(opened.page, "playground");
    await expectHeading(opened.page, "Playground");
    // GET /v1/models asked the (mock) upstream for its list: its models are offered as provider/model.
    await opened.page.locator(`#pg-models option[value="${model}"]`).waitFor({ state: "attached" });
    const input = opened.page.getByLabel("Model", { exact: true });
    // Until one is chosen, the first listed model that chats is offered (not the embedding model).
    expect(await input.inputValue()).toBe("openai/gpt-4o");
    await input.fill(model);
    expect(await input.inputValue()).toBe(model);
    return opened;
  }

  const chatRequests = () => env.mock.requests.filter((r) => r.path === CHAT);
  const assistant = (page: Page, n: number) => page.getByRole("article", { name: `Assistant message ${n}` });
  /** The log the gateway wrote for a request, asked with the page's session (not through the page, so a 404 while it is being written is no console error). */
  const logOf = async (page: Page, id: string) => {
    const r = await page.context().request.get(`${env.gw.url}/api/logs/${encodeURIComponent(id)}`);
    return { status: r.status(), body: r.ok() ? await r.json() : null };
  };

  test("a stream shows its text as it arrives and stops on Stop; the next answer shows tokens, cost, latency, first token and its log", async () => {
    const { page, context, problems } = await openPlayground("desktop");
    env.mock.reset();
    await page.getByLabel("System prompt").fill("Answer briefly.");
    await page.getByLabel("Temperature").fill("0.2");
    expect(await page.getByLabel("Stream the answer").isChecked()).toBe(true);

    // The upstream sends 4 frames (role, "mock", " reply", " to:") and then holds the stream open.
    env.mock.fault({ stallAfterChunks: 4, match: { path: CHAT } });
    const message = page.getByLabel("Message", { exact: true });
    await message.fill("hello streaming world");
    await message.press("Control+Enter");
    const first = assistant(page, 2);
    await first.getByTestId("message-text").filter({ hasText: "mock reply to:" }).waitFor();
    // Still streaming: the partial text is on screen, Stop is live and Send is not.
    expect(await first.getByTestId("message-text").textContent()).toBe("mock reply to:");
    await first.getByText("streaming").waitFor();
    const stop = page.getByRole("button", { name: "Stop" });
    expect(await stop.isEnabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Send" }).isEnabled()).toBe(false);
    await stop.click();
    await first.getByText("stopped").waitFor();
    expect(await first.getByTestId("message-text").textContent()).toBe("mock reply to:");
    expect(await stop.isEnabled()).toBe(false);
    // Stopping reached the upstream: the gateway cancelled its call.
    await eventually(() => chatRequests()[0]?.aborted === true);

    // The next turn carries the whole conversation; the answer arrives in full with its numbers.
    await message.fill("and now the whole answer");
    await page.getByRole("button", { name: "Send" }).click();
    const second = assistant(page, 4);
    const meta = second.getByTestId("answer-meta");
    await meta.waitFor();
    expect(await second.getByTestId("message-text").textContent()).toBe("mock reply to: and now");
    const sent = chatRequests()[1]!.body;
    expect(sent.messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ["system", "Answer briefly."],
      ["user", "hello streaming world"],
      ["assistant", "mock reply to:"],
      ["user", "and now the whole answer"],
    ]);
    expect(sent).toMatchObject({ model: "gpt-4o-mini", stream: true, temperature: 0.2 });
    const metaText = (await meta.textContent())!;
    expect(metaText).toContain("Modelopenai/gpt-4o-mini");
    expect(metaText).toMatch(/Tokens\d+ in · 5 out/);
    expect(metaText).toMatch(/Latency[\d.]+ m?s/);
    expect(metaText).toMatch(/First token[\d.]+ m?s/);
    // The request id links to its log, and the log is there with the cost the page shows.
    const link = meta.getByRole("link", { name: /^Log of request / });
    const id = decodeURIComponent((await link.getAttribute("href"))!.replace("#/logs/", ""));
    expect(id.length).toBeGreaterThan(8);
    let log: { status: number; body: any } = { status: 0, body: null };
    await eventually(async () => (log = await logOf(page, id)).status === 200);
    expect(log.body).toMatchObject({ id, provider: "openai", status: "success", stream: true });
    expect(log.body.cost).toBeGreaterThan(0);
    expect(metaText).toContain(`Cost${fmtCost(log.body.cost)}`);

    // Desktop: the settings sit beside the conversation.
    const settings = (await page.getByRole("region", { name: "Settings" }).boundingBox())!;
    const chat = (await page.getByRole("log", { name: "Conversation" }).boundingBox())!;
    expect(settings.x + settings.width).toBeLessThanOrEqual(chat.x);
    await screenshot(page, "playground", "desktop");
    await link.click();
    await expectHeading(page, "Logs");
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);

  test("unary: the whole answer with its cost; a message edited and an answer deleted change what the next request sends", async () => {
    const { page, context, problems } = await openPlayground("desktop");
    env.mock.reset();
    await page.getByLabel("Stream the answer").uncheck();
    await page.getByLabel("System prompt").fill("");
    await page.getByLabel("Max tokens").fill("3");
    await page.getByLabel("Message", { exact: true }).fill("unary please now");
    await page.getByRole("button", { name: "Send" }).click();
    const answer = assistant(page, 2);
    const meta = answer.getByTestId("answer-meta");
    await meta.waitFor();
    // max_tokens 3 cut the mock's answer: the finish reason says so.
    expect(await answer.getByTestId("message-text").textContent()).toBe("mock reply to:");
    await answer.getByText("length").waitFor();
    expect(chatRequests()[0]!.body).toMatchObject({ max_tokens: 3 });
    expect(chatRequests()[0]!.body.stream).toBeUndefined();
    const metaText = (await meta.textContent())!;
    expect(metaText).toMatch(/Tokens\d+ in · 3 out/);
    expect(metaText).toMatch(/Cost\$[\d.e-]+/);
    expect(metaText).not.toContain("First token");

    // Edit the question, drop the answer, send again with nothing typed: the edited question is asked.
    await page.getByRole("button", { name: "Edit message 1" }).click();
    const edit = page.getByLabel("Text of message 1");
    await edit.fill("edited question");
    await edit.press("Control+Enter");
    await page.getByRole("button", { name: "Delete message 2" }).click();
    await page.getByLabel("Max tokens").fill("");
    await page.getByRole("button", { name: "Send" }).click();
    await assistant(page, 2).getByTestId("answer-meta").waitFor();
    expect(await assistant(page, 2).getByTestId("message-text").textContent()).toBe("mock reply to: edited question");
    expect(chatRequests()[1]!.body.messages).toEqual([{ role: "user", content: "edited question" }]);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);

  test("errors: an unknown model gets the gateway's message; an in-stream error frame is shown after the text before it", async () => {
    const { page, context, problems } = await openPlayground("desktop", "openai/gpt-4o-mini");
    await page.getByLabel("Model", { exact: true }).fill("nope/no-such-model");
    await page.getByLabel("Message", { exact: true }).fill("who are you");
    await page.getByRole("button", { name: "Send" }).click();
    const alert = assistant(page, 2).getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain('model "nope/no-such-model" matches no configured provider');
    expect(await alert.textContent()).toContain("400 model_not_found");

    await page.getByLabel("Model", { exact: true }).fill("openai/gpt-4o-mini");
    env.mock.fault({ errorEventAfterChunks: 3, match: { path: CHAT } });
    await page.getByLabel("Message", { exact: true }).fill("break please");
    await page.getByRole("button", { name: "Send" }).click();
    const broken = assistant(page, 4).getByRole("alert");
    await broken.waitFor();
    expect(await broken.textContent()).toContain("The server had an error while processing your request.");
    await assistant(page, 4).getByText("error", { exact: true }).waitFor();
    expect(problems.filter((p) => !/status of (400)/.test(p))).toEqual([]);
    await context.close();
  }, 60_000);

  test("a pasted virtual key goes as x-bf-vk: the model list narrows to what it may use and governance decides; it stays in this tab and is never shown", async () => {
    const { page, context, problems } = await openPlayground("desktop");
    const field = page.getByLabel("Virtual key");
    expect(await field.getAttribute("type")).toBe("password");
    await field.fill(VK);
    // GET /v1/models with the key lists only what it may use.
    await page.locator('#pg-models option[value="openai/gpt-4o"]').waitFor({ state: "detached" });
    expect(await page.locator("#pg-models option").evaluateAll((os) => os.map((o) => o.getAttribute("value")))).toEqual(["openai/gpt-4o-mini"]);

    const model = page.getByLabel("Model", { exact: true });
    await model.fill("openai/gpt-4o");
    await page.getByLabel("Message", { exact: true }).fill("with a key");
    await page.getByRole("button", { name: "Send" }).click();
    const blocked = assistant(page, 2).getByRole("alert");
    await blocked.waitFor();
    expect(await blocked.textContent()).toContain("403 model_blocked");

    await model.fill("openai/gpt-4o-mini");
    await page.getByLabel("Message", { exact: true }).fill("allowed model");
    await page.getByRole("button", { name: "Send" }).click();
    await assistant(page, 4).getByTestId("answer-meta").waitFor();
    expect(await assistant(page, 4).getByTestId("message-text").textContent()).toBe("mock reply to: allowed model");

    // An unknown key is refused with governance's message.
    await field.fill("sk-bf-not-a-real-key");
    await page.getByLabel("Message", { exact: true }).fill("wrong key");
    await page.getByRole("button", { name: "Send" }).click();
    const refused = assistant(page, 6).getByRole("alert");
    await refused.waitFor();
    expect(await refused.textContent()).toContain("403 virtual_key_not_found");

    // The key is never on screen, never in localStorage; it lives in this tab's sessionStorage until forgotten.
    await field.fill(VK);
    const body = await page.locator("body").innerText();
    expect(body).not.toContain(VK);
    const storage = await page.evaluate(() => ({ local: JSON.stringify(localStorage), session: sessionStorage.getItem("bifrost.playground.vk") }));
    expect(storage.local).not.toContain(VK);
    expect(storage.session).toBe(VK);
    await page.getByRole("button", { name: "Forget key" }).click();
    expect(await page.evaluate(() => sessionStorage.getItem("bifrost.playground.vk"))).toBeNull();
    expect(await field.inputValue()).toBe("");
    expect(problems.filter((p) => !/status of 403/.test(p))).toEqual([]);
    await context.close();
  }, 60_000);

  test("phone width: the settings stack above the conversation, nothing overflows sideways", async () => {
    const { page, context, problems } = await openPlayground("phone");
    await page.getByLabel("System prompt").fill("Answer briefly.");
    await page.getByLabel("Message", { exact: true }).fill("hello from a phone");
    await page.getByRole("button", { name: "Send" }).click();
    await assistant(page, 2).getByTestId("answer-meta").waitFor();
    await page.getByLabel("Message", { exact: true }).fill("and a second question");
    await page.keyboard.press("Control+Enter");
    await assistant(page, 4).getByTestId("answer-meta").waitFor();
    const settings = (await page.getByRole("region", { name: "Settings" }).boundingBox())!;
    const chat = (await page.getByRole("log", { name: "Conversation" }).boundingBox())!;
    expect(settings.y + settings.height).toBeLessThanOrEqual(chat.y);
    expect(Number(await page.evaluate("document.documentElement.scrollWidth"))).toBeLessThanOrEqual(390);
    // The shell's top bar is sticky: a full-page shot from the top shows it where it belongs.
    await page.evaluate("scrollTo(0, 0)");
    await screenshot(page, "playground", "phone");
    expect(problems).toEqual([]);
    await context.close();
  });
});

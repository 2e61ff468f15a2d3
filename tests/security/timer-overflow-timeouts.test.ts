/**
 * Config items of issue 11: `default_request_timeout_in_seconds: 3e6` (above 2³¹ ms) made every request fail
 * with 504 in 20 ms, the timer overflowing. Every value that feeds a timer is refused at load, naming the field,
 * and through the management API (same schema).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { ConfigError, resolveProviderConfig } from "../../src/config/load";
import { MAX_TIMER_MS } from "../../src/config/schema";
import { openGateway, type Gateway } from "../support/gateway";

const load = (network_config: Record<string, unknown>) => () => resolveProviderConfig("openai", { keys: [{ value: "sk-1" }], network_config });

test("default_request_timeout_in_seconds: 3e6 is refused at config load, naming the field", () => {
  expect(load({ default_request_timeout_in_seconds: 3e6 })).toThrow(ConfigError);
  expect(load({ default_request_timeout_in_seconds: 3e6 })).toThrow(/providers\.openai\.network_config\.default_request_timeout_in_seconds: .*2147483/);
});

test("stream idle timeout and retry backoff are bounded the same way", () => {
  expect(load({ stream_idle_timeout_in_seconds: 3e6 })).toThrow(/network_config\.stream_idle_timeout_in_seconds/);
  expect(load({ retry_backoff_initial: MAX_TIMER_MS + 1 })).toThrow(/network_config\.retry_backoff_initial/);
  expect(load({ retry_backoff_max: 1e12 })).toThrow(/network_config\.retry_backoff_max/);
});

test("the largest values a timer keeps still load", () => {
  const p = load({ default_request_timeout_in_seconds: 2147483, stream_idle_timeout_in_seconds: 2147483, retry_backoff_initial: MAX_TIMER_MS, retry_backoff_max: MAX_TIMER_MS })();
  expect(p.timeoutMs).toBeLessThanOrEqual(MAX_TIMER_MS);
  expect(p.streamIdleTimeoutMs).toBeLessThanOrEqual(MAX_TIMER_MS);
});

let gw: Gateway;
beforeAll(async () => {
  gw = await openGateway({ providers: { openai: { keys: [{ value: "sk-1" }] } } });
});
afterAll(async () => gw?.close());

test("the management API refuses the same values (PUT and POST /api/providers)", async () => {
  const send = (method: string, path: string, body: unknown) => gw.fetch(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const put = await send("PUT", "/api/providers/openai", { keys: [{ value: "sk-1" }], network_config: { default_request_timeout_in_seconds: 3e6 } });
  expect(put.status).toBe(400);
  expect(await put.text()).toContain("default_request_timeout_in_seconds");
  const post = await send("POST", "/api/providers", { provider: "anthropic", keys: [{ value: "sk-2" }], network_config: { retry_backoff_max: 1e12 } });
  expect(post.status).toBe(400);
  expect(await post.text()).toContain("retry_backoff_max");
  expect(gw.bifrost.config.providers.get("openai")!.timeoutMs).toBeLessThan(MAX_TIMER_MS);
  expect(gw.bifrost.config.providers.has("anthropic")).toBe(false);
});

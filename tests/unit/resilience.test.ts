import { describe, expect, test } from "bun:test";
import { CircuitBreaker, CircuitBreakers } from "../../src/core/circuit-breaker";
import { backoffMs, parseRetryAfter, verdictFor } from "../../src/core/retry-policy";
import { BifrostError } from "../../src/schemas/error";

const err = (status: number) => new BifrostError({ status, message: "x" });

describe("retry verdicts (the Go Bifrost's rules)", () => {
  test("5xx and network errors retry the same key; 429 rotates; 401/403 drop; 400/404/422 stop", () => {
    expect(verdictFor(err(500))).toBe("retry_same_key");
    expect(verdictFor(err(502))).toBe("retry_same_key");
    expect(verdictFor(err(504))).toBe("retry_same_key");
    expect(verdictFor(err(429))).toBe("rotate_key");
    expect(verdictFor(err(401))).toBe("drop_key");
    expect(verdictFor(err(403))).toBe("drop_key");
    for (const s of [400, 404, 422, 499]) expect(verdictFor(err(s))).toBe("stop");
  });
});

describe("backoff", () => {
  test("min(initial·2^attempt, max) within ±20% jitter", () => {
    expect(backoffMs(0, 100, 1000, undefined, () => 0)).toBe(80);
    expect(backoffMs(0, 100, 1000, undefined, () => 1)).toBe(120);
    expect(backoffMs(2, 100, 1000, undefined, () => 0.5)).toBe(400);
    expect(backoffMs(10, 100, 1000, undefined, () => 0.5)).toBe(1000);
  });

  test("a longer Retry-After wins", () => {
    expect(backoffMs(0, 100, 1000, 3000, () => 0.5)).toBe(3000);
    expect(backoffMs(3, 100, 1000, 10, () => 0.5)).toBe(800);
  });

  test("Retry-After is read as seconds or an HTTP date, and capped", () => {
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter(new Date(10_000 + 5000).toUTCString(), 10_000)).toBeGreaterThanOrEqual(4000);
    expect(parseRetryAfter("9999")).toBe(60_000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe("circuit breaker", () => {
  test("opens after the threshold, half-opens after the cool-down for one probe, closes on success", () => {
    let now = 0;
    const b = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1000 }, () => now);
    b.failure();
    b.failure();
    expect(b.allows()).toBe(true);
    b.failure();
    expect(b.allows()).toBe(false);
    now = 999;
    expect(b.allows()).toBe(false);
    now = 1000;
    expect(b.allows()).toBe(true);
    b.begin();
    expect(b.allows()).toBe(false); // one probe at a time
    b.success();
    expect(b.snapshot().state).toBe("closed");
  });

  test("a failed probe opens it again at once", () => {
    let now = 0;
    const b = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 100 }, () => now);
    b.failure();
    now = 100;
    expect(b.allows()).toBe(true);
    b.begin();
    b.failure();
    expect(b.snapshot().state).toBe("open");
    expect(b.allows()).toBe(false);
  });

  test("a success resets the run of failures", () => {
    const b = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 100 });
    b.failure();
    b.success();
    b.failure();
    expect(b.snapshot().state).toBe("closed");
  });
});

describe("circuits per provider+key+model", () => {
  const p = { circuitBreaker: { failureThreshold: 1, cooldownMs: 60_000 } };

  test("a model's open circuit leaves the key's other models, and other keys, allowed", () => {
    const breakers = new CircuitBreakers();
    const k1 = {};
    const k2 = {};
    breakers.of(p, k1, "broken").failure();
    expect(breakers.allows(k1, "broken")).toBe(false);
    expect(breakers.allows(k1, "healthy")).toBe(true);
    expect(breakers.allows(k2, "broken")).toBe(true);
    expect(breakers.models(k1).map(([m, b]) => [m, b.snapshot().state])).toEqual([["broken", "open"]]);
  });

  test("asking whether a model is allowed makes no circuit; sending makes one", () => {
    const breakers = new CircuitBreakers();
    const k = {};
    expect(breakers.allows(k, "m")).toBe(true);
    expect(breakers.models(k)).toEqual([]);
    expect(breakers.of(p, k, "m")).toBe(breakers.of(p, k, "m"));
  });

  test("past 512 models on a key, healthy circuits are forgotten and failing ones kept", () => {
    const breakers = new CircuitBreakers();
    const k = {};
    breakers.of(p, k, "failing").failure();
    for (let i = 0; i < 600; i++) breakers.of(p, k, `m${i}`);
    expect(breakers.models(k).length).toBeLessThanOrEqual(512);
    expect(breakers.allows(k, "failing")).toBe(false);
  });
});

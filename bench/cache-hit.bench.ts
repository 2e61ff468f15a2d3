/**
 * The response cache through a real gateway: latency of a hit (exact and semantic) against a miss
 * (the upstream call, plus the embedding for a semantic lookup), sequential requests on loopback
 * against the mock upstream. `bun bench/cache-hit.bench.ts [N]`
 */
import { openGateway } from "../tests/support/gateway";
import { startMockUpstream } from "../tests/support/mock-upstream";

const N = Number(process.argv[2] ?? 300);
const mock = await startMockUpstream({ record: false });
const gw = await openGateway({
  providers: { openai: { keys: [{ value: "sk-bench" }], network_config: { base_url: mock.url } } },
  plugins: [{ name: "semantic_cache", config: { provider: "openai", embedding_model: "text-embedding-semantic", dimension: 64, threshold: 0.75, ttl: "1h" } }],
});
const ask = (content: string, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-bf-cache-key": "bench", ...headers },
    body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content }] }),
  }).then(async (r) => (await r.arrayBuffer(), r.headers.get("x-bf-cache")));

async function timed(label: string, make: (i: number) => Promise<string | null>, expect: string): Promise<void> {
  const us: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    const got = await make(i);
    us.push((performance.now() - t0) * 1000);
    if (got !== expect) throw new Error(`${label}: request ${i} expected ${expect}, got ${got}`);
  }
  us.sort((a, b) => a - b);
  const p = (q: number) => Math.round(us[Math.min(us.length - 1, Math.floor(q * us.length))]!);
  console.log(`${label.padEnd(44)} p50 ${String(p(0.5)).padStart(6)} µs   p99 ${String(p(0.99)).padStart(6)} µs`);
}

await ask("warm up the path"); // first request loads what the path loads
// Misses each under a cache key of their own: nothing earlier can match them.
await timed("miss, exact only (upstream call)", (i) => ask(`exact miss ${i}`, { "x-bf-cache-type": "direct", "x-bf-cache-key": `miss-${i}` }), "miss");
// Words of their own each time, so no earlier question is similar.
const words = (i: number) => Array.from({ length: 6 }, (_, k) => `w${i}x${k}${Math.random().toString(36).slice(2, 7)}`).join(" ");
await timed("miss, semantic (embedding + upstream call)", (i) => ask(words(i), { "x-bf-cache-key": `semantic-miss-${i}` }), "miss");
await ask("the cached question about hits");
await Bun.sleep(200);
await timed("hit, exact", () => ask("the cached question about hits"), "hit");
await timed("hit, semantic (embedding + similarity)", () => ask("the cached question about hits please"), "hit");
await gw.close();
await mock.stop();

/**
 * The floor: a raw Bun passthrough proxy. It forwards the body to the upstream and streams the answer
 * back, nothing else. `bun bench/passthrough.ts <port> <upstream origin>`.
 */
const [portArg, upstream] = process.argv.slice(2);
const server = Bun.serve({
  port: Number(portArg ?? 0),
  hostname: "127.0.0.1",
  idleTimeout: 0,
  async fetch(req) {
    const url = new URL(req.url);
    const res = await fetch(upstream + url.pathname, {
      method: req.method,
      headers: { "content-type": "application/json", authorization: "Bearer sk-bench" },
      body: req.body ? await req.arrayBuffer() : undefined,
      signal: req.signal,
    });
    return new Response(res.body, { status: res.status, headers: { "content-type": res.headers.get("content-type") ?? "application/json" } });
  },
});
console.log(`passthrough listening on http://127.0.0.1:${server.port}`);

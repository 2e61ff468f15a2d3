/**
 * Preload for Portkey's gateway (`bun --preload bench/portkey/bun-serve.ts …/build/start-server.js`):
 * its start-server serves its Hono app through `@hono/node-server` (node:http, Bun's compat layer).
 * The package exports no app to hand to `Bun.serve`, so this swaps that one module for a `serve` on
 * `Bun.serve`: Portkey's own request path on Bun's native server, its fastest way to run on Bun
 * (measured ~1.5–2× the node:http path here). `--portkey-node-server` in bench/load.ts skips this.
 */
import { plugin } from "bun";

type Fetch = (req: Request, env: object) => Response | Promise<Response>;

plugin({
  name: "portkey-on-bun-serve",
  setup(build) {
    build.module("@hono/node-server", () => ({
      loader: "object",
      exports: {
        serve(opts: { fetch: Fetch; port: number }) {
          const server = Bun.serve({ port: opts.port, hostname: "127.0.0.1", fetch: (req) => opts.fetch(req, {}) });
          // start-server hands the result to @hono/node-ws, which only registers an "upgrade" listener.
          return { server, on() {} };
        },
      },
    }));
  },
});

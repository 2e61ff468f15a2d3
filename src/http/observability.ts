/**
 * GET /metrics (every plugin's part, Prometheus text format) and GET /ws (the live feed plugins
 * publish to: new request logs for the dashboard). With auth_config on, both need the admin's
 * credentials; with it off, /metrics is open (a scraper is usually remote) while /ws, which carries
 * request content, answers only a loopback Host, like the admin API.
 */
import { Elysia } from "elysia";
import type { AuthGuard } from "../auth/guard";
import { refusalHeaders } from "../auth/guard";
import type { Bifrost } from "../core/bifrost";
import { NO_CORS } from "./cors";
import { errorResponse } from "./respond";
import { answerHeaders } from "./route";

const PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
const TOPIC = "bifrost-feed";

export function observabilityRoutes(bf: Bifrost, guard: AuthGuard, addressOf: (r: Request) => string, server: () => Bun.Server<unknown> | null) {
  const refusal = async (request: Request, path: string): Promise<Response | undefined> => {
    const a = await guard.admitAdmin(request, path, addressOf(request));
    if ("refused" in a) return errorResponse(a.refused, refusalHeaders(a, answerHeaders(request, NO_CORS)));
  };
  const detach = bf.feed.attach({
    listeners: () => server()?.subscriberCount(TOPIC) ?? 0,
    send: (json) => void server()?.publish(TOPIC, json),
  });
  return new Elysia({ name: "observability" })
    .get("/metrics", async ({ request }) => {
      if (guard.enabled) {
        const refused = await refusal(request, "/metrics");
        if (refused) return refused;
      }
      return new Response(await bf.pipeline.metricsText(), { headers: { ...answerHeaders(request, NO_CORS), "content-type": PROMETHEUS_TYPE, "cache-control": "no-store" } });
    })
    .ws("/ws", {
      beforeHandle: ({ request }) => refusal(request, "/ws"),
      open(ws) {
        ws.subscribe(TOPIC);
      },
      // The feed is one-way; what a client sends is ignored.
      message() {},
    })
    .onStop(() => void detach());
}

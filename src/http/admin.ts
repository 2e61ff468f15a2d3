/** Management routes under /api: what the gateway is running, never a secret. */
import { Elysia } from "elysia";
import type { Bifrost } from "../core/bifrost";
import { maskUrlCredentials } from "./mask-url";
import { jsonResponse } from "./respond";

export function adminRoutes(bf: Bifrost) {
  return new Elysia({ name: "admin" }).get("/api/providers", () =>
    jsonResponse(
      JSON.stringify({
        transport: bf.transportKind,
        providers: bf.providers().map((p) => ({
          name: p.name,
          type: p.type,
          base_url: maskUrlCredentials(p.baseUrl),
          keys: p.keys.map((k) => ({ name: k.name, models: k.models ?? ["*"], weight: k.weight })),
          circuits: bf.circuitStates(p),
          queue: bf.queueStats(p.name),
          network: { timeout_ms: p.timeoutMs, stream_idle_timeout_ms: p.streamIdleTimeoutMs, max_retries: p.maxRetries },
        })),
      }),
    ),
  );
}

/**
 * The plugins' view of HTTP exchanges (onHttpEnd): method, the route's template (never the raw URL,
 * so metrics stay bounded), status, time and declared sizes. Costs nothing when no plugin observes.
 */
import type { Bifrost } from "../core/bifrost";

/** Report one exchange that started at `t0` (performance.now()) and produced `response`. */
export function httpEnded(bf: Bifrost, request: Request, route: string, t0: number, response: Response): void {
  const pipe = bf.pipeline;
  if (!pipe.hasHttpEnd) return;
  pipe.runHttpEnd({
    method: request.method,
    route,
    status: response.status,
    durationMs: performance.now() - t0,
    requestBytes: sizeOf(request.headers.get("content-length")),
    responseBytes: sizeOf(response.headers.get("content-length")),
    headers: request.headers,
  });
}

function sizeOf(v: string | null): number | null {
  if (v === null) return null;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

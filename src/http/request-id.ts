/** One id per request: the client's x-request-id, or a fresh one. Made once per request by the route (src/http/route.ts). */

/** What a client may name its request: short and plain, since the id is echoed in headers, logs and error bodies. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The client's id when it is ≤ 128 characters of [A-Za-z0-9._:-]; anything else gets a fresh UUID, a
 * version 7 one: ordered by time, so request logs append to their indexes instead of splitting them.
 */
export function requestIdOf(request: Request): string {
  const given = request.headers.get("x-request-id");
  return given && SAFE_REQUEST_ID.test(given) ? given : Bun.randomUUIDv7();
}

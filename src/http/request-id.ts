/** One id per request: the client's x-request-id, or a fresh one. Made once per request by the route (src/http/route.ts). */
export function requestIdOf(request: Request): string {
  return request.headers.get("x-request-id") || crypto.randomUUID();
}

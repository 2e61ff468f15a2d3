/** One id per request: the client's x-request-id, or a fresh one; plugins and the response header share it. */
const ids = new WeakMap<Request, string>();

export function requestIdOf(request: Request): string {
  let id = ids.get(request);
  if (id === undefined) ids.set(request, (id = request.headers.get("x-request-id") || crypto.randomUUID()));
  return id;
}

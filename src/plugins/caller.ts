/** A Caller (who asks, outside a request's path) from incoming headers. */
import type { Caller } from "./types";

export function callerOf(headers: Headers | Readonly<Record<string, string>>): Caller {
  if (headers instanceof Headers) {
    let all: Record<string, string> | null = null;
    return {
      get headers() {
        return (all ??= Object.fromEntries(headers));
      },
      header: (name) => headers.get(name) ?? undefined,
    };
  }
  return { headers, header: (name) => headers[name.toLowerCase()] };
}

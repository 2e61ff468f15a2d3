/**
 * Hash routes (#/logs, #/logs/<id>, …): the gateway serves one page at "/", so no path of the
 * dashboard can collide with an API route. `useRoute()` re-renders on navigation.
 */
import { useEffect, useState } from "preact/hooks";

export interface Route {
  /** First segment: "logs" for #/logs/abc. */
  page: string;
  /** The segments after it, decoded: ["abc"]. */
  rest: string[];
  /** The query after "?" in the hash: #/logs?status=error. */
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#\/?/, "");
  const q = h.indexOf("?");
  const path = q < 0 ? h : h.slice(0, q);
  const [page = "", ...rest] = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { page, rest, params: new URLSearchParams(q < 0 ? "" : h.slice(q + 1)) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

/** The href of a page: href("logs", id) → "#/logs/<id>". */
export function href(page: string, ...rest: string[]): string {
  return `#/${[page, ...rest].map(encodeURIComponent).join("/")}`;
}

export function navigate(to: string) {
  if (location.hash !== to) location.hash = to;
}

/**
 * The plugins' own HTTP routes (PluginRoute): a small table of method + path templates
 * ("/api/logs/:id"), matched segment by segment. The HTTP app mounts it behind the admin guard; a
 * route's path must lie under /api/, so a plugin cannot take an inference path.
 */
import type { PluginRoute } from "./types";

interface Compiled {
  route: PluginRoute;
  parts: string[];
}

export class RouteTable {
  private readonly compiled: Compiled[];

  constructor(routes: readonly PluginRoute[]) {
    for (const r of routes) assertRoutePath(r.path);
    this.compiled = routes.map((route) => ({ route, parts: route.path.split("/") }));
  }

  get size(): number {
    return this.compiled.length;
  }

  /** The matching route and its parameters, or null. */
  match(method: string, path: string): { route: PluginRoute; params: Record<string, string> } | null {
    const parts = path.split("/");
    for (const c of this.compiled) {
      if (c.route.method !== method || c.parts.length !== parts.length) continue;
      const params = matchParts(c.parts, parts);
      if (params) return { route: c.route, params };
    }
    return null;
  }

  /** The route's answer, or undefined when no route matches. */
  async dispatch(request: Request): Promise<Response | undefined> {
    const m = this.match(request.method, new URL(request.url).pathname);
    return m ? m.route.handle(request, m.params) : undefined;
  }

  /** The template of the route `path` matches (for metrics), or null. */
  templateOf(method: string, path: string): string | null {
    return this.match(method, path)?.route.path ?? null;
  }
}

function matchParts(template: string[], parts: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    const p = parts[i]!;
    if (t.startsWith(":")) {
      if (!p) return null;
      try {
        params[t.slice(1)] = decodeURIComponent(p);
      } catch {
        return null;
      }
    } else if (t !== p) return null;
  }
  return params;
}

/** A plugin route lives under /api/. */
export function assertRoutePath(path: string): void {
  if (typeof path !== "string" || !/^\/api\/[A-Za-z0-9_\-./:]+$/.test(path) || path.includes("..")) {
    throw new Error(`a plugin route's path must be under /api/, not ${JSON.stringify(path)}`);
  }
}

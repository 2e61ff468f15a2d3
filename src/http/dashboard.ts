/**
 * The web dashboard at "/": the prebuilt files in ui/dist (built by `bun run build:ui`, committed),
 * read once when the app is made and served from memory, gzipped when the browser takes it. Assets
 * have content hashes in their names and are cached for a year; index.html is revalidated every time.
 * The page is public (it holds no data); everything it shows comes from the admin-guarded /api/*.
 * Its Content-Security-Policy allows nothing but this origin: no external fonts, scripts or calls.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { Elysia } from "elysia";
import { BifrostError } from "../schemas/error";
import { errorResponse } from "./respond";

export const DASHBOARD_DIR = join(import.meta.dir, "../../ui/dist");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
};

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join("; ");

const PAGE_HEADERS = {
  "content-security-policy": CSP,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};

interface Asset {
  body: Uint8Array;
  gzip: Uint8Array;
  type: string;
  etag: string;
}

const loaded = new Map<string, Map<string, Asset>>();

/** The built dashboard, file name → asset; empty when ui/dist is missing. Read and gzipped once per process (every app made shares it). */
export function loadDashboard(dir = DASHBOARD_DIR): Map<string, Asset> {
  const cached = loaded.get(dir);
  if (cached) return cached;
  const assets = new Map<string, Asset>();
  loaded.set(dir, assets);
  if (!existsSync(dir)) return assets;
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const body = new Uint8Array(readFileSync(join(dir, name)));
    assets.set(name, { body, gzip: Bun.gzipSync(body, { level: 9 }), type, etag: `"${Bun.hash(body).toString(36)}"` });
  }
  return assets;
}

function serve(request: Request, asset: Asset, cacheControl: string, extra: Record<string, string> = {}): Response {
  const headers: Record<string, string> = { "content-type": asset.type, "cache-control": cacheControl, etag: asset.etag, vary: "accept-encoding", ...extra };
  if (request.headers.get("if-none-match") === asset.etag) return new Response(null, { status: 304, headers });
  const gzip = /\bgzip\b/.test(request.headers.get("accept-encoding") ?? "");
  if (gzip) headers["content-encoding"] = "gzip";
  return new Response(request.method === "HEAD" ? null : gzip ? asset.gzip : asset.body, { headers });
}

export function dashboardRoutes(assets = loadDashboard()) {
  const notBuilt = () =>
    errorResponse(new BifrostError({ status: 404, type: "not_found_error", code: "dashboard_not_built", message: "the dashboard is not built: run `bun run build:ui`" }));
  const page = ({ request }: { request: Request }) => {
    const index = assets.get("index.html");
    return index ? serve(request, index, "no-cache", PAGE_HEADERS) : notBuilt();
  };
  return new Elysia({ name: "dashboard" })
    .get("/", page)
    .head("/", page)
    .get("/assets/:file", ({ request, params }) => {
      const asset = params.file === "index.html" ? undefined : assets.get(params.file);
      if (!asset) return errorResponse(new BifrostError({ status: 404, type: "not_found_error", code: "route_not_found", message: "no such route" }));
      return serve(request, asset, "public, max-age=31536000, immutable", { "x-content-type-options": "nosniff" });
    });
}

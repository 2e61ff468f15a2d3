/** CORS from client.allowed_origins ("*" or exact origins). */
export interface CorsPolicy {
  headersFor(origin: string | null): Record<string, string> | null;
  preflight(origin: string | null, requestHeaders: string | null): Response;
}

const BASE_ALLOWED_HEADERS = "content-type, authorization, api-key, x-api-key, x-bf-vk, x-bf-api-key-id, x-request-id, anthropic-version";

export function corsPolicy(allowedOrigins: string[], extraHeaders: string[]): CorsPolicy {
  const any = allowedOrigins.includes("*");
  const set = new Set(allowedOrigins.map((o) => o.replace(/\/+$/, "")));
  const allowHeaders = [BASE_ALLOWED_HEADERS, ...extraHeaders].join(", ");
  const headersFor = (origin: string | null): Record<string, string> | null => {
    if (!origin) return null;
    if (any) return { "access-control-allow-origin": "*" };
    if (set.has(origin)) return { "access-control-allow-origin": origin, vary: "Origin" };
    return null;
  };
  return {
    headersFor,
    preflight(origin, requestHeaders) {
      const h = headersFor(origin);
      if (!h) return new Response(null, { status: 403 });
      return new Response(null, {
        status: 204,
        headers: {
          ...h,
          "access-control-allow-methods": "GET, POST, PUT, DELETE, OPTIONS",
          "access-control-allow-headers": requestHeaders && any ? requestHeaders : allowHeaders,
          "access-control-max-age": "86400",
        },
      });
    },
  };
}

/** For the admin API: no CORS allow headers, and every preflight refused (browsers on other origins get nothing). */
export const NO_CORS: CorsPolicy = {
  headersFor: () => null,
  preflight: () => new Response(null, { status: 403 }),
};

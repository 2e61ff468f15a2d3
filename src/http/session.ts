/** Go Bifrost's session routes: POST /api/session/login, POST /api/session/logout, GET /api/session/is-auth-enabled. */
import { Elysia } from "elysia";
import type { AuthGuard } from "../auth/guard";
import { refusalHeaders } from "../auth/guard";
import { BifrostError } from "../schemas/error";
import { readJsonBody } from "./body";
import { errorResponse, jsonResponse } from "./respond";

type AddressOf = (request: Request) => string;

export function sessionRoutes(guard: AuthGuard, addressOf: AddressOf) {
  return new Elysia({ name: "session" })
    .get("/api/session/is-auth-enabled", async ({ request }) =>
      jsonResponse(
        JSON.stringify({
          is_auth_enabled: guard.enabled,
          has_valid_token: guard.enabled && (await guard.hasValidSession(request)),
          auth_type: guard.enabled ? "password" : "none",
          inference_auth_enforced: guard.inferenceNeedsAuth,
        }),
      ),
    )
    .post(
      "/api/session/login",
      async ({ request }) => {
        if (!guard.enabled) return errorResponse(new BifrostError({ status: 403, type: "permission_error", code: "auth_not_enabled", message: "Authentication is not enabled" }));
        let body: { username?: unknown; password?: unknown };
        try {
          body = (await readJsonBody(request, 64 * 1024)).value as typeof body;
        } catch {
          body = {};
        }
        // The parser's message could quote the body: answer without it.
        if (!body || typeof body !== "object" || typeof body.username !== "string" || typeof body.password !== "string") {
          return errorResponse(BifrostError.badRequest("expected a JSON object {\"username\": string, \"password\": string}"));
        }
        const r = await guard.login(body.username, body.password, addressOf(request));
        if ("refused" in r) return errorResponse(r.refused, refusalHeaders(r, {}));
        if (!("token" in r)) return errorResponse(new BifrostError({ status: 500, message: "login failed" }));
        return jsonResponse(JSON.stringify({ message: "Login successful", token: r.token }), 200, { "set-cookie": tokenCookie(request, r.token, guard.sessionTtlSeconds), "cache-control": "no-store" });
      },
      { parse: "none" },
    )
    .post("/api/session/logout", async ({ request }) => {
      await guard.logout(request);
      return jsonResponse(JSON.stringify({ message: "Logout successful" }), 200, { "set-cookie": tokenCookie(request, "", 0) });
    });
}

function tokenCookie(request: Request, value: string, maxAge: number): string {
  const secure = request.headers.get("x-forwarded-proto") === "https" || request.url.startsWith("https:");
  return `token=${value}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

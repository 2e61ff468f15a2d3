/**
 * auth_config (Go Bifrost's) resolved for the guard, and the settings this gateway cannot enforce yet,
 * which stop start-up instead of being ignored. The clear-text password lives only inside resolveAuth.
 */
import type { BifrostConfig } from "../config/schema";

export interface ResolvedAuth {
  /** auth_config.is_enabled: /api/* (and, unless disabled, inference) need credentials. */
  enabled: boolean;
  username: string;
  /** argon2id (Bun.password) of admin_password, or the bcrypt/argon2 hash the config gave; "" when disabled. */
  passwordHash: string;
  /** Inference routes need the same credentials: enabled and not disable_auth_on_inference, or client.enforce_auth_on_inference. */
  inferenceNeedsAuth: boolean;
  /** How long a login session lasts (ours: auth_config.session_ttl_seconds, default 24 h). */
  sessionTtlMs: number;
  /** client.whitelisted_routes: exact paths, or prefixes when they end in "*". */
  whitelistedRoutes: string[];
  /** client.allow_unauthenticated_admin: the open admin API may be bound to a non-loopback address. */
  allowUnauthenticatedAdmin: boolean;
}

export const MIN_PASSWORD_LENGTH = 12;
export const DEFAULT_SESSION_TTL_SECONDS = 24 * 60 * 60;
export const AUTH_OFF: ResolvedAuth = {
  enabled: false,
  username: "",
  passwordHash: "",
  inferenceNeedsAuth: false,
  sessionTtlMs: DEFAULT_SESSION_TTL_SECONDS * 1000,
  whitelistedRoutes: [],
  allowUnauthenticatedAdmin: false,
};

/** A password given already hashed (Go Bifrost stores bcrypt; Bun.password verifies bcrypt and argon2). */
const HASHED = /^\$(2[abxy]|argon2(id|i|d))\$/;

type ReadValue = (value: string, path: string) => string;

export function resolveAuth(cfg: BifrostConfig, read: ReadValue, errors: string[]): ResolvedAuth {
  const client = cfg.client ?? {};
  const base = {
    ...AUTH_OFF,
    whitelistedRoutes: client.whitelisted_routes ?? [],
    allowUnauthenticatedAdmin: client.allow_unauthenticated_admin ?? false,
  };
  // Go Bifrost also reads it from governance.auth_config.
  const fromGovernance = !cfg.auth_config && isObject(cfg.governance) && isObject(cfg.governance.auth_config);
  const ac = (fromGovernance ? (cfg.governance as { auth_config: unknown }).auth_config : cfg.auth_config) as BifrostConfig["auth_config"];
  const at = fromGovernance ? "governance.auth_config" : "auth_config";
  // Without admin auth, enforce_auth_on_inference is governance's to enforce: a virtual key on every request.
  if (!ac?.is_enabled) return base;
  const before = errors.length;
  const username = read(ac.admin_username ?? "", `${at}.admin_username`);
  const password = read(ac.admin_password ?? "", `${at}.admin_password`);
  if (!username && errors.length === before) errors.push(`${at}.admin_username: required when ${at}.is_enabled is true`);
  let passwordHash = "";
  if (errors.length > before) {
    // an unset env.VAR, already reported
  } else if (HASHED.test(password)) passwordHash = password;
  else if (password.length < MIN_PASSWORD_LENGTH) {
    errors.push(`${at}.admin_password: too weak, use at least ${MIN_PASSWORD_LENGTH} characters`);
  } else passwordHash = Bun.password.hashSync(password, { algorithm: "argon2id" });
  return {
    ...base,
    enabled: true,
    username,
    passwordHash,
    inferenceNeedsAuth: !ac.disable_auth_on_inference || client.enforce_auth_on_inference === true,
    sessionTtlMs: (ac.session_ttl_seconds ?? DEFAULT_SESSION_TTL_SECONDS) * 1000,
  };
}

/**
 * Settings that ask for enforcement this gateway does not give yet: one line each, naming the section.
 * (Governance — virtual keys, budgets, rate limits — and SAML are later work.)
 */
export function unenforceableSettings(cfg: BifrostConfig): string[] {
  const out: string[] = [];
  const client = cfg.client ?? {};
  const later = "is not implemented by this gateway yet; remove it or run the Go Bifrost";
  const gov = isObject(cfg.governance) ? cfg.governance : {};
  for (const section of ["routing_rules"]) {
    const v = gov[section];
    if (Array.isArray(v) ? v.length > 0 : isObject(v) && Object.keys(v).length > 0) out.push(`governance.${section}: governance ${later}`);
  }
  const saml = cfg.saml_config;
  if (isObject(saml) && (saml.enabled === true || saml.is_enabled === true)) out.push(`saml_config: SAML single sign-on ${later}`);
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

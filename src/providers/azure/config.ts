/** A target's azure_key_config → where and how one call goes: endpoint, deployment, API version, URL style, auth. */
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget } from "../types";

/** The GA dated version when the key config names none. */
export const DEFAULT_API_VERSION = "2024-10-21";

/** stream_options.include_usage arrived in 2024-09-01-preview; older dated versions reject the field. */
const STREAM_USAGE_SINCE = "2024-09-01";

export interface AzureKeyConfig {
  endpoint?: string;
  /** Model name → deployment name; models not listed are their own deployment. */
  deployments?: Record<string, string>;
  /** A dated version ("2024-10-21", "2025-04-01-preview"), or "v1" / "latest" / "preview" for the /openai/v1/ API. */
  api_version?: string;
  /** "bearer" for Entra ID tokens; default "api_key". */
  auth_type?: "api_key" | "bearer";
}

export interface AzureRoute {
  endpoint: string;
  deployment: string;
  /** The api-version query value; null when the URL takes none (v1 GA). */
  apiVersion: string | null;
  /** The /openai/v1/ API: deployment goes in the body's model, not the path. */
  v1: boolean;
  bearer: boolean;
  streamUsage: boolean;
}

export function resolveAzure(target: ProviderTarget): AzureRoute {
  const config: AzureKeyConfig = target.keyConfig ?? {};
  const endpoint = normalizeEndpoint(config.endpoint || target.baseUrl);
  if (!endpoint) {
    throw new BifrostError({
      status: 500,
      type: "server_error",
      message: `azure provider ${target.provider} has no endpoint: set azure_key_config.endpoint or network_config.base_url`,
      extra: { provider: target.provider },
    });
  }
  const version = (config.api_version || DEFAULT_API_VERSION).trim();
  const v1 = version === "v1" || version === "latest" || version === "preview";
  return {
    endpoint,
    deployment: config.deployments?.[target.model] ?? target.model,
    apiVersion: v1 ? (version === "preview" ? "preview" : null) : version,
    v1,
    bearer: config.auth_type === "bearer" || (config.auth_type === undefined && isEntraToken(target.apiKey)),
    streamUsage: v1 || version.slice(0, 10) >= STREAM_USAGE_SINCE,
  };
}

/** Endpoints are pasted with or without a trailing slash or the /openai(/v1) suffix; all mean the resource origin. */
function normalizeEndpoint(raw: string | undefined): string {
  return (raw ?? "").trim().replace(/\/+$/, "").replace(/\/openai(\/v1)?$/, "");
}

/** Entra ID access tokens are JWTs, whose base64url header always starts with "eyJ" ('{"'). */
function isEntraToken(key: string): boolean {
  return key.startsWith("eyJ");
}

/** vertex_key_config → project, region and (optionally) the service account that authenticates. */
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget } from "../types";

export interface ServiceAccount {
  client_email: string;
  /** PKCS#8 PEM, as Google's key files have it. */
  private_key: string;
  private_key_id?: string;
  token_uri?: string;
}

export interface VertexConfig {
  project: string;
  region: string;
  /** Absent when the key's value is a ready access token. */
  credentials?: ServiceAccount;
}

/** Vertex's historical default: every Gemini, Claude and embedding model is served there. */
export const DEFAULT_REGION = "us-central1";

export function readVertexConfig(target: ProviderTarget): VertexConfig {
  const c = target.keyConfig ?? {};
  const project = typeof c.project_id === "string" ? c.project_id.trim() : "";
  if (!project) throw misconfigured(target, "vertex_key_config.project_id is required");
  const region = typeof c.region === "string" && c.region.trim() ? c.region.trim() : DEFAULT_REGION;
  const credentials = readCredentials(c.auth_credentials, target);
  return credentials ? { project, region, credentials } : { project, region };
}

/** auth_credentials is the service-account key file's JSON, as a string (usually from env) or an object. */
function readCredentials(raw: unknown, target: ProviderTarget): ServiceAccount | undefined {
  if (raw == null || raw === "") return undefined;
  let sa: any = raw;
  if (typeof raw === "string") {
    try {
      sa = JSON.parse(raw);
    } catch {
      throw misconfigured(target, "vertex_key_config.auth_credentials is not valid JSON");
    }
  }
  if (!sa || typeof sa.client_email !== "string" || typeof sa.private_key !== "string") {
    throw misconfigured(target, "vertex_key_config.auth_credentials needs client_email and private_key (a service-account key file)");
  }
  return sa as ServiceAccount;
}

function misconfigured(target: ProviderTarget, message: string): BifrostError {
  return new BifrostError({ status: 500, type: "server_error", code: "provider_misconfigured", message, extra: { provider: target.provider } });
}

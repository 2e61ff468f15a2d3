/** Where a Bedrock call goes and as whom: bedrock_key_config (or an API key), region and endpoints. */
import type { ProviderTarget } from "../types";

export const DEFAULT_REGION = "us-east-1";
export const RUNTIME_URL_TEMPLATE = "https://bedrock-runtime.{region}.amazonaws.com";

export interface BedrockCredentials {
  accessKey: string;
  secretKey: string;
  sessionToken?: string;
}

export interface BedrockConfig {
  region: string;
  /** IAM credentials; absent when the key is a Bedrock API key (bearer) instead. */
  credentials?: BedrockCredentials;
  /** An inference-profile ARN prefix: the model id becomes `${arn}/${model}`. */
  arn?: string;
}

const AWS_HOST = /^bedrock(?:-runtime)?(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

export function bedrockConfig(target: ProviderTarget): BedrockConfig {
  const kc = target.keyConfig ?? {};
  const cfg: BedrockConfig = { region: str(kc.region) ?? regionOfHost(target.baseUrl) ?? DEFAULT_REGION };
  const accessKey = str(kc.access_key);
  const secretKey = str(kc.secret_key);
  if (accessKey && secretKey) {
    cfg.credentials = { accessKey, secretKey };
    const token = str(kc.session_token);
    if (token) cfg.credentials.sessionToken = token;
  }
  const arn = str(kc.arn);
  if (arn) cfg.arn = arn.replace(/\/+$/, "");
  return cfg;
}

/** target.baseUrl as given, "{region}" filled in; the public regional endpoint when none is configured. */
export function runtimeBase(target: ProviderTarget, region = bedrockConfig(target).region): string {
  const base = target.baseUrl || RUNTIME_URL_TEMPLATE;
  return base.replaceAll("{region}", region).replace(/\/+$/, "");
}

/** Model listing lives on the control plane (bedrock.…), not the runtime host; a custom base URL (proxy, mock) serves both. */
export function controlPlaneBase(target: ProviderTarget): string {
  const base = runtimeBase(target);
  const url = new URL(base);
  if (AWS_HOST.test(url.hostname)) url.hostname = url.hostname.replace(/^bedrock-runtime/, "bedrock");
  return url.toString().replace(/\/+$/, "");
}

/** `/model/{id}` with the id escaped as one segment: ":" of versioned ids and "/" of ARNs must not split the path. */
export function modelPath(target: ProviderTarget): string {
  const { arn } = bedrockConfig(target);
  return `/model/${encodeURIComponent(arn ? `${arn}/${target.model}` : target.model)}`;
}

/** Request headers common to every call; extra headers win, names lower-cased so they replace rather than duplicate. */
export function baseHeaders(target: ProviderTarget, accept = "application/json"): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json", accept };
  for (const [name, value] of Object.entries(target.extraHeaders)) headers[name.toLowerCase()] = value;
  return headers;
}

function regionOfHost(baseUrl: string): string | undefined {
  try {
    return AWS_HOST.exec(new URL(baseUrl).hostname)?.[1];
  } catch {
    return undefined;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() ? v.trim() : undefined;
}

/** The last step before fetch: SigV4 over the final bytes with IAM credentials, or a Bedrock API key as a bearer token. */
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget, WireRequest } from "../types";
import { bedrockConfig } from "./config";
import { signRequest } from "./sigv4";

export const SIGNING_SERVICE = "bedrock";

export function authorizeBedrock(wire: WireRequest, target: ProviderTarget, now: Date): WireRequest {
  const { region, credentials } = bedrockConfig(target);
  if (credentials) {
    const { headers } = signRequest({
      method: wire.method,
      url: wire.url,
      headers: wire.headers,
      body: wire.body,
      accessKey: credentials.accessKey,
      secretKey: credentials.secretKey,
      sessionToken: credentials.sessionToken,
      region,
      service: SIGNING_SERVICE,
      now,
      contentSha256Header: true,
    });
    return { ...wire, headers };
  }
  if (target.apiKey) return { ...wire, headers: { ...wire.headers, authorization: `Bearer ${target.apiKey}` } };
  throw new BifrostError({
    status: 401,
    type: "authentication_error",
    code: "missing_credentials",
    message: `provider ${target.provider} has no credentials: set bedrock_key_config.access_key and secret_key, or a Bedrock API key`,
    extra: { provider: target.provider },
  });
}

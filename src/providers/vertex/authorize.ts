/** The last step before a Vertex request leaves: a bearer token from the service account, or the key's own token. */
import { BifrostError } from "../../schemas/error";
import type { ProviderTarget, WireRequest } from "../types";
import { readVertexConfig } from "./config";
import { accessToken } from "./token";

export async function authorizeVertex(wire: WireRequest, target: ProviderTarget, now: Date): Promise<WireRequest> {
  // An authorization set through extra headers (e.g. a proxy's) is left alone.
  if (wire.headers.authorization) return wire;
  const { credentials } = readVertexConfig(target);
  let token: string;
  if (credentials) token = await accessToken(credentials, now);
  // No service account: the key's value is an access token minted elsewhere.
  else if (target.apiKey) token = target.apiKey;
  else {
    throw new BifrostError({
      status: 401,
      type: "authentication_error",
      message: "vertex key has neither vertex_key_config.auth_credentials nor a value (access token)",
      extra: { provider: target.provider },
    });
  }
  return { ...wire, headers: { ...wire.headers, authorization: `Bearer ${token}` } };
}

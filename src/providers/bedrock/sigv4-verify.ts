/** The receiving side of SigV4: parse an Authorization header and recompute its signature (used by the test mock). */
import { signature } from "./sigv4";

export interface ParsedAuthorization {
  accessKey: string;
  /** date/region/service/aws4_request */
  scope: string;
  region: string;
  service: string;
  signedNames: string[];
  signature: string;
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8}\/([^/,\s]+)\/([^/,\s]+)\/aws4_request),\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

export function parseAuthorization(header: string | null | undefined): ParsedAuthorization | null {
  const m = header ? AUTH.exec(header.trim()) : null;
  if (!m) return null;
  return { accessKey: m[1]!, scope: m[2]!, region: m[3]!, service: m[4]!, signedNames: m[5]!.split(";"), signature: m[6]! };
}

export interface VerifyInput {
  method: string;
  url: string;
  /** The request's headers, names lower-cased. */
  headers: Record<string, string>;
  secretKey: string;
  /** Used when the request carries no x-amz-content-sha256 header. */
  payloadHash?: string;
}

/** True when the Authorization header is a valid SigV4 signature of this request under `secretKey`. */
export function verifySignature(i: VerifyInput): boolean {
  const auth = parseAuthorization(i.headers.authorization);
  const amzDate = i.headers["x-amz-date"];
  const payloadHash = i.headers["x-amz-content-sha256"] ?? i.payloadHash;
  if (!auth || !amzDate || !payloadHash || !auth.signedNames.includes("host") || auth.scope.slice(0, 8) !== amzDate.slice(0, 8)) return false;
  const url = new URL(i.url);
  const headers: Record<string, string> = { ...i.headers, host: i.headers.host ?? url.host };
  if (auth.signedNames.some((n) => headers[n] === undefined)) return false;
  const expected = signature({ method: i.method, url, headers, signedNames: auth.signedNames, payloadHash, amzDate, scope: auth.scope, secretKey: i.secretKey }).signature;
  return constantTimeEqual(expected, auth.signature);
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

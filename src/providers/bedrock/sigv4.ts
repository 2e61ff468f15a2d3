/**
 * AWS Signature Version 4, header form, for non-S3 services (the path is URI-encoded once more, as AWS
 * expects from every service but S3). Pure and synchronous: the clock and the credentials come in.
 */

export interface SignInput {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  accessKey: string;
  secretKey: string;
  sessionToken?: string;
  region: string;
  service: string;
  now: Date;
  /** Send the payload hash as x-amz-content-sha256 too (and sign it); the AWS SDKs do, the oldest test vectors do not. */
  contentSha256Header?: boolean;
  /** A precomputed payload hash (e.g. "UNSIGNED-PAYLOAD"); default: SHA-256 of the body. */
  payloadHash?: string;
}

export interface Signed {
  /** The request's headers, lower-cased, plus host, x-amz-date, the optional AWS headers and authorization. */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

export const ALGORITHM = "AWS4-HMAC-SHA256";

/** Headers a proxy may add, drop or rewrite; signing them would break the signature in transit (as in the AWS SDKs). */
const UNSIGNABLE = new Set([
  "authorization", "cache-control", "connection", "expect", "from", "keep-alive", "max-forwards", "pragma",
  "referer", "te", "trace", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
]);

export function signRequest(input: SignInput): Signed {
  const url = new URL(input.url);
  const amzDate = toAmzDate(input.now);
  const payloadHash = input.payloadHash ?? sha256Hex(input.body ?? "");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) {
    const key = name.toLowerCase();
    headers[key] = key in headers ? `${headers[key]},${value}` : value;
  }
  headers.host ??= url.host;
  headers["x-amz-date"] = amzDate;
  if (input.sessionToken) headers["x-amz-security-token"] = input.sessionToken;
  if (input.contentSha256Header) headers["x-amz-content-sha256"] = payloadHash;
  delete headers.authorization;

  const signedNames = Object.keys(headers).filter((h) => !UNSIGNABLE.has(h)).sort();
  const scope = credentialScope(amzDate, input.region, input.service);
  const s = signature({ method: input.method, url, headers, signedNames, payloadHash, amzDate, scope, secretKey: input.secretKey });
  headers.authorization = `${ALGORITHM} Credential=${input.accessKey}/${scope}, SignedHeaders=${signedNames.join(";")}, Signature=${s.signature}`;
  return { headers, ...s };
}

export interface SignatureInput {
  method: string;
  url: URL;
  /** Lower-cased names. */
  headers: Record<string, string>;
  signedNames: string[];
  payloadHash: string;
  amzDate: string;
  scope: string;
  secretKey: string;
}

/** The three steps: canonical request, string to sign, HMAC with the derived key. Shared by signing and verifying. */
export function signature(i: SignatureInput): Omit<Signed, "headers"> {
  const canonicalRequest = [
    i.method.toUpperCase(),
    canonicalUri(i.url.pathname),
    canonicalQuery(i.url.search),
    i.signedNames.map((h) => `${h}:${canonicalValue(i.headers[h] ?? "")}\n`).join(""),
    i.signedNames.join(";"),
    i.payloadHash,
  ].join("\n");
  const stringToSign = [ALGORITHM, i.amzDate, i.scope, sha256Hex(canonicalRequest)].join("\n");
  const [date, region, service] = i.scope.split("/") as [string, string, string];
  const key = signingKey(i.secretKey, date, region, service);
  return { canonicalRequest, stringToSign, signature: hmac(key, stringToSign).toString("hex") };
}

export function credentialScope(amzDate: string, region: string, service: string): string {
  return `${amzDate.slice(0, 8)}/${region}/${service}/aws4_request`;
}

/** 2015-08-30T12:36:00.000Z → 20150830T123600Z */
export function toAmzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

export function signingKey(secretKey: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretKey}`, date), region), service), "aws4_request");
}

export function sha256Hex(data: string | Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(data).digest("hex");
}

function hmac(key: string | Uint8Array, data: string): Buffer {
  return new Bun.CryptoHasher("sha256", key).update(data).digest();
}

/** RFC 3986 unreserved characters stay, everything else is %XX (encodeURIComponent leaves !'()* alone). */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The path as sent (already percent-encoded once), normalized, then encoded again: "%3A" is signed as "%253A". */
function canonicalUri(path: string): string {
  const segments: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") segments.pop();
    else segments.push(seg);
  }
  const normalized = `/${segments.join("/")}${segments.length && path.endsWith("/") ? "/" : ""}`;
  return uriEncode(normalized).replace(/%2F/g, "/");
}

function canonicalQuery(search: string): string {
  if (search.length <= 1) return "";
  const pairs = search
    .slice(1)
    .split("&")
    .filter(Boolean)
    .map((p) => {
      const eq = p.indexOf("=");
      const [k, v] = eq < 0 ? [p, ""] : [p.slice(0, eq), p.slice(eq + 1)];
      return [uriEncode(safeDecode(k)), uriEncode(safeDecode(v))] as const;
    });
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Trimmed, inner runs of spaces collapsed to one. */
function canonicalValue(v: string): string {
  return v.trim().replace(/\s+/g, " ");
}

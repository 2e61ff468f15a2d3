/** Provider keys at rest: AES-256-GCM with a key derived (HKDF/SHA-256) from BIFROST_ENCRYPTION_KEY. */
const PREFIX = "enc:v1:";
const te = new TextEncoder();
const td = new TextDecoder();

export interface Sealer {
  seal(text: string): Promise<string>;
  open(stored: string): Promise<string>;
}

/** With no secret, text is stored as it is; reading an encrypted value then fails with a message saying why. */
export async function sealerFor(secret: string | undefined): Promise<Sealer> {
  const key = secret ? await deriveKey(secret) : null;
  return {
    async seal(text) {
      if (!key) return text;
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ct = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, te.encode(text)));
      const out = new Uint8Array(iv.length + ct.length);
      out.set(iv);
      out.set(ct, iv.length);
      return PREFIX + Buffer.from(out).toString("base64");
    },
    async open(stored) {
      if (!stored.startsWith(PREFIX)) return stored;
      if (!key) throw new Error("the config store holds encrypted provider keys: set BIFROST_ENCRYPTION_KEY to the value they were written with");
      const bytes = Buffer.from(stored.slice(PREFIX.length), "base64");
      try {
        return td.decode(await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.subarray(0, 12) }, key, bytes.subarray(12)));
      } catch {
        throw new Error("could not decrypt the config store's provider keys: BIFROST_ENCRYPTION_KEY differs from the one they were written with");
      }
    },
  };
}

async function deriveKey(secret: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", te.encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: te.encode("bifrost-config-store"), info: te.encode("provider-keys") },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

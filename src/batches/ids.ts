/** Unguessable ids: a prefix and 128 random bits in lower-case base32 (26 characters). */

const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

export function randomId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let out = prefix;
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export const newFileId = () => randomId("file-");
export const newBatchId = () => randomId("batch_");
export const newLineRequestId = () => randomId("batch_req_");

/** multipart/form-data bodies built as bytes (adapters stay pure: no FormData round trip through fetch). */

export interface Part {
  name: string;
  value: string | Uint8Array;
  filename?: string;
  contentType?: string;
}

const enc = new TextEncoder();

export function multipart(parts: Part[], boundary = `----bifrost${crypto.randomUUID().replace(/-/g, "")}`): { body: Uint8Array; contentType: string } {
  const chunks: Uint8Array[] = [];
  for (const p of parts) {
    const disp = `form-data; name="${p.name.replace(/"/g, "%22")}"${p.filename !== undefined ? `; filename="${p.filename.replace(/"/g, "%22")}"` : ""}`;
    const head = `--${boundary}\r\nContent-Disposition: ${disp}\r\n${p.contentType ? `Content-Type: ${p.contentType}\r\n` : ""}\r\n`;
    chunks.push(enc.encode(head), typeof p.value === "string" ? enc.encode(p.value) : p.value, enc.encode("\r\n"));
  }
  chunks.push(enc.encode(`--${boundary}--\r\n`));
  const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.length;
  }
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

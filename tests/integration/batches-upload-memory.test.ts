/**
 * A 500 MB upload goes from the socket to the file store without the gateway holding it: its peak RSS
 * (VmHWM, reset just before the upload) grows by far less than the file. The body is generated as a
 * stream here too, so neither side ever has the file in memory.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGateway, type GatewayProcess } from "../support/gateway";

const js = (r: Response): Promise<any> => r.json();
const MB = 1024 * 1024;
const FILE_BYTES = Number(process.env.BF_UPLOAD_MB ?? 500) * MB;
const BOUNDARY = "----bfMemoryBoundary";

let gw: GatewayProcess;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "bf-upload-mem-"));
  gw = await startGateway({
    config: {
      providers: { "local-llm": { keys: [{ name: "k", value: "sk-x" }], custom_provider_config: { base_provider_type: "openai" }, network_config: { base_url: "http://127.0.0.1:9" } } },
      batches: { max_upload_bytes: FILE_BYTES + MB, store: { type: "sqlite", path: join(dir, "batches.db") } },
    },
    // The server process itself (no supervisor in front), so its /proc entry is the one measured.
    env: { BUN_CONFIG_MAX_HTTP_REQUESTS: "256" },
  });
});
afterAll(async () => {
  await gw?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const statusKb = (pid: number, field: "VmRSS" | "VmHWM") => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024;

/** A multipart body whose file part is `bytes` long, made 1 MiB at a time as the connection takes it. */
function multipartStream(bytes: number): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const head = enc.encode(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="provider"\r\n\r\nlocal-llm\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.jsonl"\r\nContent-Type: application/jsonl\r\n\r\n`,
  );
  const tail = enc.encode(`\r\n--${BOUNDARY}--\r\n`);
  const block = new Uint8Array(MB).fill(0x61);
  for (let i = 1023; i < MB; i += 1024) block[i] = 0x0a;
  let sent = -1;
  return new ReadableStream<Uint8Array>({
    pull(ctrl) {
      if (sent < 0) {
        ctrl.enqueue(head);
        sent = 0;
      } else if (sent < bytes) {
        const n = Math.min(MB, bytes - sent);
        ctrl.enqueue(n === MB ? block : block.subarray(0, n));
        sent += n;
      } else {
        ctrl.enqueue(tail);
        ctrl.close();
      }
    },
  });
}

test("a 500 MB upload is streamed to the store with flat memory", async () => {
  const pid = gw.proc.pid;
  // Warm the route up with a small upload, then take the baseline and reset the peak.
  const small = await fetch(`${gw.url}/v1/files`, { method: "POST", headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` }, body: multipartStream(1000), duplex: "half" } as RequestInit);
  expect(small.status).toBe(200);
  const baseline = statusKb(pid, "VmRSS");
  let resetPeak = true;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
  } catch {
    resetPeak = false; // not permitted here: the peak since start still bounds the upload's
  }

  const r = await fetch(`${gw.url}/v1/files`, { method: "POST", headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}` }, body: multipartStream(FILE_BYTES), duplex: "half" } as RequestInit);
  const body = await js(r);
  expect(r.status).toBe(200);
  expect(body).toMatchObject({ object: "file", bytes: FILE_BYTES, filename: "big.jsonl", purpose: "batch" });
  const peak = statusKb(pid, "VmHWM");
  const growth = peak - baseline;
  console.log(`${FILE_BYTES / MB} MB upload: baseline RSS ${(baseline / MB).toFixed(0)} MB, peak ${(peak / MB).toFixed(0)} MB (+${(growth / MB).toFixed(0)} MB)${resetPeak ? "" : " (peak since start)"}`);
  expect(growth).toBeLessThan(150 * MB);

  // And it reads back at its full size.
  const listed = await js(await fetch(`${gw.url}/v1/files/${body.id}`));
  expect(listed.bytes).toBe(FILE_BYTES);
  expect((await fetch(`${gw.url}/v1/files/${body.id}`, { method: "DELETE" })).status).toBe(200);
}, 120_000);

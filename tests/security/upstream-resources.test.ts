/** Issue 11 (resources), upstream side: a hostile upstream cannot make the gateway buffer without bound, and its failures are 502s in our shape. */
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openGateway, type Gateway } from "../support/gateway";
import { startMockUpstream, type MockUpstream } from "../support/mock-upstream";
import { eventually } from "../support/wait";

const MB = 1024 * 1024;
let mock: MockUpstream;
let gw: Gateway;
/** What the hostile upstream does next, and how many bytes it has handed to the socket so far. */
let mode: "endless-json" | "declared-huge" | "fast-stream" = "endless-json";
let written = 0;
let hostile: Server;
let hostileUrl = "";

const frame = new TextEncoder().encode(`data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content: "x".repeat(16 * 1024) }, finish_reason: null }] })}\n\n`);
const filler = new Uint8Array(256 * 1024).fill(0x20);

beforeAll(async () => {
  // A raw HTTP server: it counts the bytes the kernel accepted, waiting on 'drain' as a well-behaved sender does.
  hostile = createServer((sock: Socket) => {
    sock.once("data", () => {
      written = 0;
      const head = (type: string, length?: number) => `HTTP/1.1 200 OK\r\ncontent-type: ${type}\r\n${length === undefined ? "transfer-encoding: chunked" : `content-length: ${length}`}\r\n\r\n`;
      if (mode === "declared-huge") return void sock.write(head("application/json", 300 * MB) + '{"id":"');
      const stream = mode === "fast-stream";
      const piece = stream ? frame : filler;
      const total = stream ? 400 * MB : 300 * MB;
      sock.write(head(stream ? "text/event-stream" : "application/json") + (stream ? "" : `7\r\n{"id":"\r\n`));
      const pump = () => {
        while (written < total && !sock.destroyed) {
          written += piece.byteLength;
          const ok = sock.write(piece.byteLength.toString(16) + "\r\n") && sock.write(piece) && sock.write("\r\n");
          if (!ok) return void sock.once("drain", pump);
        }
        if (!sock.destroyed) sock.end("0\r\n\r\n");
      };
      pump();
    });
    sock.on("error", () => {});
  });
  await new Promise<void>((r) => hostile.listen(0, "127.0.0.1", r));
  hostileUrl = `http://127.0.0.1:${(hostile.address() as { port: number }).port}`;
  mock = await startMockUpstream();
  gw = await openGateway({
    client: { max_upstream_response_mb: 1 },
    providers: {
      openai: { keys: [{ value: "sk-upstream-resources-key", models: ["*"] }], network_config: { base_url: mock.url } },
      groq: { keys: [{ value: "gsk-hostile", models: ["*"] }], network_config: { base_url: hostileUrl, stream_idle_timeout_in_seconds: 60 } },
    },
  });
});

afterAll(async () => {
  await gw?.close();
  await mock?.stop();
  hostile?.close();
});

const chat = (model: string, stream = false) => ({ method: "POST", body: JSON.stringify({ model, stream, messages: [{ role: "user", content: "hi" }] }) });

describe("finding 3: an upstream answering 300 MB", () => {
  test("a chunked answer past client.max_upstream_response_mb is a 502 naming the provider, read no further than the cap", async () => {
    mode = "endless-json";
    const r = await gw.fetch("/v1/chat/completions", chat("groq/llama"));
    expect(r.status).toBe(502);
    const j = (await r.json()) as any;
    expect(j.error.code).toBe("upstream_response_too_large");
    expect(j.error.message).toContain("groq");
    expect(written).toBeLessThan(64 * MB);
  });

  test("a declared length past the cap is refused before reading", async () => {
    mode = "declared-huge";
    const r = await gw.fetch("/v1/chat/completions", chat("groq/llama"));
    expect(r.status).toBe(502);
    expect(((await r.json()) as any).error.code).toBe("upstream_response_too_large");
  });

  test("a stream of 400 MB to a client that reads one chunk and pauses is not buffered by the gateway", async () => {
    mode = "fast-stream";
    const res = await fetch(gw.url + "/v1/chat/completions", chat("groq/llama", true));
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    // The client pauses: wait until the upstream can write no more (it is blocked on the gateway's backpressure).
    let last = -1;
    await eventually(async () => {
      const settled = written === last;
      last = written;
      if (!settled) await Bun.sleep(300);
      return settled;
    });
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(64 * MB); // of 400 MB: socket buffers, not the whole stream
    await reader.cancel();
  }, 30_000);
});

describe("finding 5: an upstream that cuts its body mid-way", () => {
  test("is a 502 upstream_error, with the cause logged and no key in it", async () => {
    mock.fault({ resetAfterChunks: 1 });
    const r = await gw.fetch("/v1/chat/completions", chat("openai/gpt-4o-mini"));
    expect(r.status).toBe(502);
    const j = (await r.json()) as any;
    expect(j.error.type).toBe("upstream_error");
    expect(j.error.code).toBe("upstream_body_interrupted");
    expect(j.error.message).toContain("openai");
    expect(gw.output()).toContain("the answer's body was cut part-way");
    expect(gw.output()).toContain("cause=");
    expect(gw.output()).not.toContain("sk-upstream-resources-key");
  });
});

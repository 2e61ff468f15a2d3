/** The streaming multipart reader gives the same parts however the body is split on the wire. */
import { describe, expect, test } from "bun:test";
import { boundaryOf, MultipartReader } from "./multipart";

const B = "----bfBoundary7MA4YWxk";
const enc = new TextEncoder();

/** A form as the OpenAI SDKs send it: the file first, fields after; the file holds near-delimiters. */
const FILE = [
  '{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{"model":"m"}}',
  `tricky: \r\n--${B.slice(0, 10)} and \r\n-- and --${B} without its CRLF and \r\n--${B.slice(0, -1)}X`,
  "ünïcödé ✓",
  "",
].join("\n");
const BODY =
  `preamble to ignore\r\n--${B}\r\n` +
  `Content-Disposition: form-data; name="file"; filename="batch \\"in\\".jsonl"\r\nContent-Type: application/jsonl\r\n\r\n${FILE}\r\n` +
  `--${B}  \r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n` +
  `--${B}\r\nContent-Disposition: form-data; name="expires_after[seconds]"\r\n\r\n3600\r\n` +
  `--${B}\r\ncontent-disposition: form-data; name="empty"\r\n\r\n\r\n` +
  `--${B}--\r\nepilogue`;

interface Parsed {
  name: string;
  filename: string | null;
  contentType: string | null;
  text: string;
}

async function parse(pieces: Uint8Array[], opts = {}): Promise<Parsed[]> {
  async function* src() {
    for (const p of pieces) yield p;
  }
  const r = new MultipartReader(src(), B, opts);
  const out: Parsed[] = [];
  for (let p = await r.next(); p; p = await r.next()) {
    const chunks: Uint8Array[] = [];
    for await (const c of p.body) chunks.push(new Uint8Array(c));
    out.push({ name: p.name, filename: p.filename, contentType: p.contentType, text: Buffer.concat(chunks).toString("utf8") });
  }
  return out;
}

const EXPECTED: Parsed[] = [
  { name: "file", filename: 'batch "in".jsonl', contentType: "application/jsonl", text: FILE },
  { name: "purpose", filename: null, contentType: null, text: "batch" },
  { name: "expires_after[seconds]", filename: null, contentType: null, text: "3600" },
  { name: "empty", filename: null, contentType: null, text: "" },
];

describe("MultipartReader", () => {
  const bytes = enc.encode(BODY);

  test("whole", async () => {
    expect(await parse([bytes])).toEqual(EXPECTED);
  });

  test("split in two at every byte", async () => {
    for (let i = 1; i < bytes.length; i++) {
      const got = await parse([bytes.subarray(0, i), bytes.subarray(i)]);
      if (JSON.stringify(got) !== JSON.stringify(EXPECTED)) throw new Error(`split at ${i}: ${JSON.stringify(got)}`);
    }
  });

  test("split in three around every delimiter position", async () => {
    for (let i = 1; i < bytes.length - 3; i += 7) {
      for (const j of [i + 1, i + 2, i + 3]) {
        const got = await parse([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]);
        if (JSON.stringify(got) !== JSON.stringify(EXPECTED)) throw new Error(`split at ${i},${j}`);
      }
    }
  });

  test("one byte at a time", async () => {
    expect(await parse([...bytes].map((b) => new Uint8Array([b])))).toEqual(EXPECTED);
  });

  test("a part left unread is skipped; a field reads as text", async () => {
    async function* src() {
      yield bytes;
    }
    const r = new MultipartReader(src(), B);
    const file = await r.next();
    expect(file!.name).toBe("file");
    for await (const _ of file!.body) break; // stop early: the reader keeps its place
    const purpose = await r.next();
    expect(await purpose!.text()).toBe("batch");
    expect((await r.next())!.name).toBe("expires_after[seconds]");
  });

  test("RFC 5987 filename*", async () => {
    const body = `--${B}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''r%C3%A9sum%C3%A9.jsonl\r\n\r\nx\r\n--${B}--`;
    expect((await parse([enc.encode(body)]))[0]!.filename).toBe("résumé.jsonl");
  });

  test("malformed bodies are 400s that say what is wrong", async () => {
    const cases: Array<[string, RegExp]> = [
      ["no boundary at all", /no boundary found/],
      [`--${B}\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated`, /no closing boundary/],
      [`--${B}\r\nContent-Type: text/plain\r\n\r\nx\r\n--${B}--`, /Content-Disposition/],
      [`--${B}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--${B}--`, /without a name/],
      [`--${B}garbage\r\n`, /line break after a boundary/],
      [`--${B}\r\nContent-Disposition: form-data; name="a"`, /headers/],
    ];
    for (const [body, message] of cases) {
      const err = await parse([enc.encode(body)]).catch((e) => e);
      expect(err.status).toBe(400);
      expect(err.code).toBe("invalid_multipart");
      expect(err.message).toMatch(message);
    }
  });

  test("past maxTotalBytes: a 413 as soon as the body passes it", async () => {
    const err = await parse([bytes], { maxTotalBytes: 100 }).catch((e) => e);
    expect(err.status).toBe(413);
  });

  test("boundaryOf reads the content type", () => {
    expect(boundaryOf(`multipart/form-data; boundary=${B}`)).toBe(B);
    expect(boundaryOf('multipart/form-data; charset=utf-8; boundary="a b"')).toBe("a b");
    expect(boundaryOf("application/json")).toBeNull();
    expect(boundaryOf("multipart/form-data")).toBeNull();
    expect(boundaryOf(null)).toBeNull();
  });

  test("what Bun's own FormData serialises parses back", async () => {
    const form = new FormData();
    form.append("purpose", "batch");
    form.append("file", new File([FILE], "x.jsonl", { type: "application/jsonl" }));
    const req = new Request("http://x/", { method: "POST", body: form });
    const b = boundaryOf(req.headers.get("content-type"))!;
    const r = new MultipartReader(req.body!, b);
    const purpose = await r.next();
    expect(await purpose!.text()).toBe("batch");
    const file = await r.next();
    expect(file!.filename).toBe("x.jsonl");
    expect(await file!.text()).toBe(FILE);
    expect(await r.next()).toBeNull();
  });
});

/** The streaming multipart reader: every split of the body gives the same parts; malformed bodies are 400s. */
import { describe, expect, test } from "bun:test";
import { BifrostError } from "../schemas/error";
import { boundaryOf, formParts, textOfPart } from "./multipart-parts";

/** A body as a stream of the given pieces. */
function streamOf(bytes: Uint8Array, cuts: number[]): ReadableStream<Uint8Array> {
  const points = [0, ...cuts, bytes.length];
  return new ReadableStream({
    start(ctrl) {
      for (let i = 0; i + 1 < points.length; i++) ctrl.enqueue(bytes.slice(points[i], points[i + 1]));
      ctrl.close();
    },
  });
}

async function parse(body: ReadableStream<Uint8Array>, boundary: string) {
  const out: Array<{ name: string; filename?: string; contentType?: string; text: string }> = [];
  for await (const p of formParts(body, boundary)) {
    out.push({ name: p.name, filename: p.filename, contentType: p.contentType, text: await textOfPart(p, 1 << 20) });
  }
  return out;
}

async function encoded(form: FormData): Promise<{ bytes: Uint8Array; boundary: string }> {
  const res = new Response(form);
  // Read before the body: Bun drops a FormData body's content-type once the body is consumed.
  const boundary = boundaryOf(res.headers.get("content-type"));
  return { bytes: new Uint8Array(await res.arrayBuffer()), boundary };
}

// Content that looks like a delimiter's start, split anywhere.
const TRICKY = "line one\r\n-- not a boundary\r\n\r\n--\r\nend";

describe("formParts", () => {
  test("fields and a file, at every two-piece split and in 1-byte pieces", async () => {
    const form = new FormData();
    form.set("purpose", "batch");
    form.set("file", new Blob([TRICKY], { type: "application/jsonl" }), "in.jsonl");
    form.set("after", "x");
    const { bytes, boundary } = await encoded(form);
    const expected = [
      { name: "purpose", filename: undefined, contentType: undefined, text: "batch" },
      { name: "file", filename: "in.jsonl", contentType: "application/jsonl", text: TRICKY },
      { name: "after", filename: undefined, contentType: undefined, text: "x" },
    ];
    for (let cut = 1; cut < bytes.length; cut++) expect(await parse(streamOf(bytes, [cut]), boundary)).toEqual(expected);
    expect(await parse(streamOf(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1)), boundary)).toEqual(expected);
  });

  test("unread parts are skipped", async () => {
    const form = new FormData();
    form.set("skip", new Blob(["x".repeat(100_000)]), "big.bin");
    form.set("keep", "yes");
    const { bytes, boundary } = await encoded(form);
    const names: string[] = [];
    let kept = "";
    for await (const p of formParts(streamOf(bytes, [7, 5000, 70_000]), boundary)) {
      names.push(p.name);
      if (p.name === "keep") kept = await textOfPart(p);
    }
    expect(names).toEqual(["skip", "keep"]);
    expect(kept).toBe("yes");
  });

  test("quoted and RFC 5987 filenames", async () => {
    const body = (disposition: string) =>
      new TextEncoder().encode(`--b\r\nContent-Disposition: form-data; ${disposition}\r\n\r\nx\r\n--b--\r\n`);
    expect((await parse(streamOf(body('name="file"; filename="a \\"q\\".txt"'), []), "b"))[0]!.filename).toBe('a "q".txt');
    expect((await parse(streamOf(body("name=file; filename*=UTF-8''na%C3%AFve.txt"), []), "b"))[0]!.filename).toBe("naïve.txt");
  });

  test("malformed bodies and content types are 400s", async () => {
    const fail = async (text: string) => {
      try {
        await parse(streamOf(new TextEncoder().encode(text), []), "b");
      } catch (e) {
        return e as BifrostError;
      }
      throw new Error("expected a throw");
    };
    expect((await fail("no boundary here")).message).toBe("malformed multipart body: no boundary found");
    expect((await fail('--b\r\nContent-Disposition: form-data; name="f"\r\n\r\nnever ends')).message).toBe("malformed multipart body: the body ended inside a part");
    expect((await fail("--b\r\nX: y\r\n\r\nv\r\n--b--")).message).toBe("malformed multipart body: a part has no content-disposition name");
    expect(() => boundaryOf("application/json")).toThrow("expected a multipart/form-data body with a boundary");
    expect(boundaryOf('multipart/form-data; charset=utf-8; boundary="abc def"')).toBe("abc def");
  });
});

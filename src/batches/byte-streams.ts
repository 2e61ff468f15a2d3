/** Bytes between async iterables (the file store's way) and web streams (fetch's and Response's way). */

/** An async iterable as a ReadableStream, read as the consumer pulls; cancelling it ends the iterable. */
export function streamOf(src: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const it = src[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      const r = await it.next();
      if (r.done) ctrl.close();
      else ctrl.enqueue(r.value);
    },
    async cancel() {
      await it.return?.();
    },
  });
}

/** Lines of a JSONL body as they arrive (any split), trimmed, blank lines skipped. */
export async function* jsonLines(body: AsyncIterable<Uint8Array> | null): AsyncIterable<string> {
  if (!body) return;
  const dec = new TextDecoder();
  let rest = "";
  for await (const chunk of body) {
    rest += dec.decode(chunk, { stream: true });
    let from = 0;
    for (let nl = rest.indexOf("\n"); nl !== -1; nl = rest.indexOf("\n", from)) {
      const line = rest.slice(from, nl).trim();
      from = nl + 1;
      if (line) yield line;
    }
    rest = rest.slice(from);
  }
  rest += dec.decode();
  if (rest.trim()) yield rest.trim();
}

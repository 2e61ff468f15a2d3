/** Bytes from async iterables (the file store's way) to web streams (fetch's and Response's way). */

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

import { afterEach, describe, expect, test } from "bun:test";
import { UnaryCall } from "../../src/workers/calls";
import { WorkerPoolTransport } from "../../src/workers/pool";
import type { CallMessage } from "../../src/workers/protocol";
import type { BifrostError } from "../../src/schemas/error";

const CRASHY = new URL("../support/crashy-worker.ts", import.meta.url).href;
let pool: WorkerPoolTransport;
afterEach(() => pool?.close());

function message(model: string, body: ArrayBuffer): Omit<CallMessage, "id"> {
  return { op: "chat", type: "openai", provider: "p", model, modelRequested: model, baseUrl: "http://x", apiKey: "", keyConfig: "", extraHeaders: "", timeoutMs: 1000, idleTimeoutMs: 1000, maxResponseBytes: 0, price: "", body };
}

function call(model: string, bytes = 3): { call: UnaryCall; body: ArrayBuffer } {
  const c = new UnaryCall();
  c.result.catch(() => {}); // calls left hanging are failed by close(); the tests that care await them
  const body = new ArrayBuffer(bytes);
  pool.dispatch(message(model, body), c);
  return { call: c, body };
}

describe("worker pool", () => {
  test("bodies are transferred, not copied", async () => {
    pool = new WorkerPoolTransport(1, CRASHY);
    const { call: c, body } = call("a", 1024);
    expect(body.byteLength).toBe(0); // detached: ownership moved to the worker
    expect((await c.result).json()).toBe("ok:a:1024");
  });

  test("calls spread over the workers, least loaded first", async () => {
    pool = new WorkerPoolTransport(2, CRASHY);
    call("hang");
    call("hang");
    expect(pool.load()).toEqual([1, 1]);
  });

  test("a crashed worker fails only its own in-flight calls with a 502, and is replaced", async () => {
    pool = new WorkerPoolTransport(2, CRASHY);
    const survivor = call("hang"); // lands on worker 0
    const victim = call("hang"); // lands on worker 1
    expect(pool.load()).toEqual([1, 1]);
    call("crash"); // a tie, so it lands on worker 0 and takes that worker's hanging call down with it
    const err = (await Promise.race([survivor.call.result.catch((e) => e), victim.call.result.catch((e) => e), Bun.sleep(3000).then(() => "timeout")])) as BifrostError;
    expect(err.status).toBe(502);
    expect(err.code).toBe("worker_crashed");
    await Bun.sleep(50);
    expect(pool.load().reduce((a, b) => a + b, 0)).toBe(1); // the other worker's call is still in flight
    const after = call("b");
    expect((await after.call.result).json()).toBe("ok:b:3");
  });
});

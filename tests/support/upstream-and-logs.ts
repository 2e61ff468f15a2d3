/** For a test file: a mock upstream and the log lines, reset before each test (bun:test hooks registered here). */
import { afterAll, beforeAll, beforeEach } from "bun:test";
import { setLogSink } from "../../src/log";
import { startMockUpstream, type MockUpstream } from "./mock-upstream";

export function upstreamAndLogs(): { readonly mock: MockUpstream; logs: string[] } {
  let mock: MockUpstream;
  const logs: string[] = [];
  beforeAll(async () => {
    mock = await startMockUpstream();
    setLogSink((l) => logs.push(l));
  });
  afterAll(async () => {
    await mock?.stop();
    setLogSink((l) => process.stderr.write(l + "\n"));
  });
  beforeEach(() => {
    mock.reset();
    logs.length = 0;
  });
  return {
    get mock() {
      return mock;
    },
    logs,
  };
}

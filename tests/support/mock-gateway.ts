/** The usual integration setup in one call: a mock upstream, and a gateway whose providers point at it, for one file's tests. */
import { afterAll, beforeAll } from "bun:test";
import { openGateway, type Gateway } from "./gateway";
import { startMockUpstream, type MockUpstream } from "./mock-upstream";

/** Opened in beforeAll, closed in afterAll; `providers` gets the mock's URL for their base_url. */
export function gatewayOnMock(providers: (mockUrl: string) => Record<string, unknown>): { readonly mock: MockUpstream; readonly gw: Gateway } {
  let mock: MockUpstream | undefined;
  let gw: Gateway | undefined;
  beforeAll(async () => {
    mock = await startMockUpstream();
    gw = await openGateway({ providers: providers(mock.url) });
  });
  afterAll(async () => {
    await gw?.close();
    await mock?.stop();
  });
  return {
    get mock() {
      return mock!;
    },
    get gw() {
      return gw!;
    },
  };
}

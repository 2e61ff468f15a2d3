/** Preloaded by `bun test` (bunfig.toml): bunfig's [test] timeout is not applied by Bun 1.4.5, so set it here. */
import { setDefaultTimeout } from "bun:test";

// Integration tests start real servers; give them room on a 2-core CI machine.
setDefaultTimeout(30_000);

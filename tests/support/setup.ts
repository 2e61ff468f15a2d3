/**
 * Preloaded by `bun test` (bunfig.toml): bunfig's [test] timeout is not applied by Bun 1.4.5, so set it here.
 * Bun 1.4.5 applies this to the first test file of a run only (later files get its 5 s default): a file
 * whose tests may take longer (the browser tests in tests/e2e) calls setDefaultTimeout itself.
 */
import { setDefaultTimeout } from "bun:test";

setDefaultTimeout(30_000);

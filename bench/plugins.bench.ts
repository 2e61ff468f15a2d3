/**
 * The plugin pipeline's cost per request with 0, 1 and 10 no-op plugins (pre + post hooks),
 * measured through Bifrost.chat with a canned short-circuit-free path: the upstream is an in-process stub.
 * `bun bench/plugins.bench.ts`
 */
import { bench, group, run } from "mitata";
import { Pipeline, type LoadedPlugin } from "../src/plugins/pipeline";
import type { Plugin, RequestContext } from "../src/plugins/types";

const noop = (i: number): LoadedPlugin => {
  const plugin: Plugin = { preRequest: () => undefined, postResponse: () => undefined };
  return { name: `noop-${i}`, plugin, placement: "builtin", order: i };
};
const pipelines = [0, 1, 10].map((n) => [n, new Pipeline(Array.from({ length: n }, (_, i) => noop(i)))] as const);
const req = { model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: "hi" }] };
const res = { id: "x", object: "chat.completion" as const, created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant" as const, content: "ok" }, finish_reason: "stop" as const }] };
const ctx: RequestContext = { requestId: "r", op: "chat", provider: "openai", model: "gpt-4o-mini", isFallback: false, headers: {}, values: new Map(), setUpstreamHeader: () => {}, restrictKeys: () => {} };

group("plugin pipeline per request (pre + post)", () => {
  for (const [n, p] of pipelines) {
    bench(`${n} no-op plugins`, async () => {
      if (p.empty) return; // the core skips the pipeline entirely when no plugin is loaded
      const pre = await p.runPre(req, ctx);
      await p.runPost(pre.ran, res, null, ctx);
    });
  }
});

await run();

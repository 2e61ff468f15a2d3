/** The files of a new plugin package, as text. */

export interface TemplateVars {
  name: string;
  /** The gateway's package, relative to the plugin, when it is linked in as a devDependency (outside the gateway's checkout). */
  hostLink: string | null;
}

export function packageJson({ name, hostLink }: TemplateVars): string {
  const pkg = {
    name: `bifrost-plugin-${name}`,
    version: "0.1.0",
    description: `${name}: a Bifrost plugin`,
    type: "module",
    main: "index.ts",
    files: ["index.ts", "README.md"],
    keywords: ["bifrost-plugin"],
    scripts: { test: "bun test" },
    ...(hostLink ? { devDependencies: { bifrost: `file:${hostLink}` } } : {}),
    bifrost: { apiVersion: 1, name, description: `${name}: a Bifrost plugin` },
  };
  return JSON.stringify(pkg, null, 2) + "\n";
}

export function indexTs({ name }: TemplateVars): string {
  return `/**
 * ${name}: a Bifrost plugin. The contract comes from "bifrost/plugin"; everything else the plugin
 * needs from the gateway comes through \`ctx\` (config, logger, stores, error()).
 */
import { definePlugin, t } from "bifrost/plugin";

/** Hooks of one request share rctx.values: the pre-hook leaves a note, the post-hook reads it. */
const NOTE = "${name}:note";

interface Note {
  greeting: string;
  started: number;
}

export default definePlugin({
  name: "${name}",
  description: "${name}: a Bifrost plugin",
  config: t.Object({
    greeting: t.String({ default: "hello from ${name}" }),
  }),

  setup(ctx) {
    const { greeting } = ctx.config;
    ctx.logger.info("ready", { greeting });
    return {
      preRequest(_req, rctx) {
        rctx.values.set(NOTE, { greeting, started: performance.now() } satisfies Note);
      },

      postResponse(res, _err, rctx) {
        const note = rctx.values.get(NOTE) as Note | undefined;
        if (!res || !note) return;
        const stamp = { greeting: note.greeting, elapsed_ms: Math.round(performance.now() - note.started) };
        const extra = (res.extra_fields ?? {}) as { plugins?: Record<string, unknown> };
        return { response: { ...res, extra_fields: { ...extra, plugins: { ...extra.plugins, "${name}": stamp } } } };
      },
    };
  },
});
`;
}

export function indexTestTs({ name }: TemplateVars): string {
  return `/** ${name} without a gateway: testPlugin checks the config and runs the hooks the way the gateway does. */
import { expect, test } from "bun:test";
import { testPlugin, type ChatResponse } from "bifrost/plugin";
import plugin from "./index";

const ask = { model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: "hello" }] };
const answer = (): ChatResponse => ({
  id: "t-1",
  object: "chat.completion",
  created: 0,
  model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
});

test("${name} stamps its greeting on responses", async () => {
  const p = await testPlugin(plugin, { config: { greeting: "hi there" } });
  await p.pre(ask);
  const { res } = await p.post(answer());
  expect((res as ChatResponse).extra_fields?.plugins).toMatchObject({ "${name}": { greeting: "hi there" } });
});

test("${name}'s config has a default, and a wrong one is refused", async () => {
  expect((await testPlugin(plugin)).config.greeting).toBe("hello from ${name}");
  await expect(testPlugin(plugin, { config: { greeting: 42 } })).rejects.toThrow("config.greeting: expected string");
});
`;
}

export function readme({ name }: TemplateVars): string {
  return `# ${name}

A Bifrost plugin. It stamps \`extra_fields.plugins["${name}"] = { greeting, elapsed_ms }\` on every
response: its pre-hook leaves a note in the request's \`values\`, its post-hook reads it.

## Use it

Enable it in the gateway's \`config.json\`:

\`\`\`json
{ "plugins": [{ "name": "${name}", "enabled": true, "config": { "greeting": "hello" } }] }
\`\`\`

or \`bifrost plugin enable ${name}\`.

| config | default | meaning |
|---|---|---|
| \`greeting\` | \`"hello from ${name}"\` | the text stamped on responses |

## Develop it

- \`index.ts\`: \`export default definePlugin({ name, config, setup })\`, imported from \`"bifrost/plugin"\`.
  The gateway validates \`plugins[].config\` against \`config\` (defaults applied) before it calls
  \`setup(ctx)\`; \`ctx\` carries the typed config, \`ctx.logger\`, \`ctx.stores.kv\` and \`ctx.error()\`.
  Import nothing else from the gateway, so the package loads in any gateway.
- Hooks \`setup\` may return: \`preRequest\`, \`postResponse\`, \`onStreamChunk\`, \`onHttpRequest\`,
  \`onHttpResponse\`, \`cleanup\`. Each returns nothing (go on) or one key saying what happens
  (\`{ request }\`, \`{ response }\`, \`{ error }\`, …; see the doc comments of \`bifrost/plugin\`).
- \`bun test\` runs \`index.test.ts\`: \`testPlugin(plugin, { config })\` validates the config as the
  gateway does and runs the hooks through its pipeline (\`pre\`, \`post\`, \`chunks\`, …), no server
  needed. \`bifrost/plugin\` resolves to the gateway this package was created
  with (its checkout's \`node_modules\`, or the \`bifrost\` devDependency linked in \`node_modules/\`);
  a running gateway provides it to the plugins it loads.

## Share it

Keep \`"bifrost-plugin"\` in \`keywords\` and publish with \`npm publish\`: \`bifrost plugin search\`
finds it, and \`bifrost plugin add bifrost-plugin-${name}\` installs it.
`;
}

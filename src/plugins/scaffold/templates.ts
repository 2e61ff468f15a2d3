/** The files of a new plugin package, as text. `hostImport` is the host's src/index.ts, relative to the plugin. */

export interface TemplateVars {
  name: string;
  hostImport: string;
}

export function packageJson({ name }: TemplateVars): string {
  const pkg = {
    name: `bifrost-plugin-${name}`,
    version: "0.1.0",
    description: `${name}: a Bifrost plugin`,
    type: "module",
    main: "index.ts",
    files: ["index.ts", "README.md"],
    keywords: ["bifrost-plugin"],
    scripts: { test: "bun test" },
    bifrost: { apiVersion: 1, name, description: `${name}: a Bifrost plugin`, hooks: ["preRequest", "postResponse"] },
  };
  return JSON.stringify(pkg, null, 2) + "\n";
}

export function indexTs({ name }: TemplateVars): string {
  return `/**
 * ${name}: a Bifrost plugin. The default export is a factory the gateway calls with \`ctx\`;
 * everything the plugin needs from the host comes through \`ctx\`, so it imports nothing from it.
 */
import type { Static, TSchema, Type } from "@sinclair/typebox";

/** The parts of the plugin contract this plugin uses. */
interface PluginContext {
  readonly name: string;
  readonly config: any;
  readonly t: typeof Type;
  readonly logger: { info(msg: string, fields?: Record<string, unknown>): void };
}
interface RequestContext {
  readonly requestId: string;
  readonly values: Map<string, unknown>;
}

const configSchema = (t: typeof Type) =>
  t.Object({
    greeting: t.String({ default: "hello from ${name}" }),
  });
type Config = Static<ReturnType<typeof configSchema>>;

/** Hooks of one request share rctx.values: the pre-hook leaves a note, the post-hook reads it. */
const NOTE = "${name}:note";

export default function ${camel(name)}(ctx: PluginContext) {
  return {
    name: "${name}",
    description: "${name}: a Bifrost plugin",
    config: configSchema(ctx.t) as TSchema,

    init(config: Config) {
      ctx.logger.info("ready", { greeting: config.greeting });
    },

    preRequest(_req: unknown, rctx: RequestContext) {
      rctx.values.set(NOTE, { "x-${name}": (ctx.config as Config).greeting, started: performance.now() });
    },

    postResponse(res: any, _err: unknown, rctx: RequestContext) {
      const note = rctx.values.get(NOTE) as { "x-${name}": string; started: number } | undefined;
      if (!res || !note) return;
      const stamp = { greeting: note["x-${name}"], elapsed_ms: Math.round(performance.now() - note.started) };
      res.extra_fields = { ...res.extra_fields, plugins: { ...res.extra_fields?.plugins, "${name}": stamp } };
      return { response: res };
    },
  };
}
`;
}

export function indexTestTs({ name, hostImport }: TemplateVars): string {
  return `/** ${name}, loaded the way the gateway loads it: by name, from the folder this package sits in. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { dirname } from "node:path";
import { Bifrost } from "${hostImport}";

/** A stand-in OpenAI upstream, so the test needs no keys and no network. */
let upstream: ReturnType<typeof Bun.serve>;
beforeAll(() => {
  upstream = Bun.serve({
    port: 0,
    fetch: async (req) => {
      const body = (await req.json()) as { model: string };
      const message = { role: "assistant", content: "ok" };
      return Response.json({ id: "t-1", object: "chat.completion", created: 0, model: body.model, choices: [{ index: 0, message, finish_reason: "stop" }] });
    },
  });
});
afterAll(() => upstream.stop(true));

async function gateway(config: Record<string, unknown>) {
  const providers = { openai: { keys: [{ value: "sk-test" }], network_config: { base_url: \`http://127.0.0.1:\${upstream.port}\` } } };
  return Bifrost.create({ providers, plugins: [{ name: "${name}", config }] }, { workers: 0, pluginsDir: dirname(import.meta.dir) });
}

const ask = { model: "openai/gpt-4o-mini", messages: [{ role: "user" as const, content: "hello" }] };

test("${name} loads and stamps its greeting on responses", async () => {
  const bf = await gateway({ greeting: "hi there" });
  try {
    expect(bf.plugins.list()[0]).toMatchObject({ name: "${name}", state: "active" });
    const res = await bf.chat(ask);
    expect((res.extra_fields as any).plugins["${name}"]).toMatchObject({ greeting: "hi there" });
  } finally {
    await bf.shutdown();
  }
});

test("${name}'s config has a default", async () => {
  const bf = await gateway({});
  try {
    const res = await bf.chat(ask);
    expect((res.extra_fields as any).plugins["${name}"].greeting).toBe("hello from ${name}");
  } finally {
    await bf.shutdown();
  }
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

- \`index.ts\`: the factory \`(ctx) => plugin\`. Everything from the host comes through \`ctx\`
  (\`ctx.config\`, \`ctx.t\` for the config schema, \`ctx.logger\`, \`ctx.stores.kv\`, \`ctx.error()\`):
  never import the gateway's own modules, so the package loads in any gateway.
- Hooks: \`preRequest\`, \`postResponse\`, \`onStreamChunk\`, \`onHttpRequest\`, \`onHttpResponse\`,
  \`cleanup\`. List the ones you use in \`package.json\` → \`bifrost.hooks\`.
- \`bun test\` runs \`index.test.ts\`, which loads the plugin through the gateway as the server would.
  It imports the gateway from the checkout it was created in.

## Share it

Keep \`"bifrost-plugin"\` in \`keywords\` and publish with \`npm publish\`: \`bifrost plugin search\`
finds it, and \`bifrost plugin add bifrost-plugin-${name}\` installs it.
`;
}

/** "rate-limit" → "rateLimit": the factory's name. */
function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

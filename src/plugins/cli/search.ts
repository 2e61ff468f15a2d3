/** `bifrost plugin search <words>`: npm packages with the keyword bifrost-plugin. */
import type { CliContext } from "./options";
import { CliError, printJson, table } from "./output";

const DEFAULT_REGISTRY = "https://registry.npmjs.org";
const TIMEOUT_MS = 15_000;

interface Hit {
  name: string;
  version: string;
  description: string;
}

export function registryUrl(env: Record<string, string | undefined>): string {
  return (env.BIFROST_NPM_REGISTRY || DEFAULT_REGISTRY).replace(/\/+$/, "");
}

export async function searchPlugins(ctx: CliContext): Promise<number> {
  const registry = registryUrl(ctx.env);
  const text = ["keywords:bifrost-plugin", ...ctx.args.map(encodeURIComponent)].join("+");
  const url = `${registry}/-/v1/search?text=${text}&size=20`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: "application/json" } });
  } catch (e) {
    throw new CliError(`cannot reach the npm registry at ${registry}: ${(e as Error).message}`);
  }
  if (!res.ok) throw new CliError(`the npm registry at ${registry} answered HTTP ${res.status} to the search`);
  let body: { objects?: Array<{ package?: Partial<Hit> }>; total?: number };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new CliError(`the npm registry at ${registry} sent a search answer that is not JSON`);
  }
  const hits: Hit[] = (body.objects ?? []).flatMap((o) => (o.package?.name ? [{ name: o.package.name, version: o.package.version ?? "", description: o.package.description ?? "" }] : []));
  if (ctx.json) return printJson(ctx.io, { registry, total: body.total ?? hits.length, results: hits }), 0;
  if (!hits.length) return ctx.io.out(`no plugins found${ctx.args.length ? ` for "${ctx.args.join(" ")}"` : ""}`), 0;
  ctx.io.out(table(["NAME", "VERSION", "DESCRIPTION"], hits.map((h) => [h.name, h.version, h.description])));
  ctx.io.out(`\ninstall one with: bifrost plugin add <name>`);
  return 0;
}

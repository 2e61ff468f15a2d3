/** `bifrost plugin new <name>`: scaffold a working plugin package. */
import { ScaffoldError, scaffoldPlugin, validatePluginName } from "../scaffold";
import { requireArg, type CliContext } from "./options";
import { CliError, printJson, usageError } from "./output";

export function newPlugin(ctx: CliContext): number {
  const name = requireArg(ctx, "<name>");
  try {
    validatePluginName(name);
  } catch (e) {
    throw usageError((e as Error).message);
  }
  let made;
  try {
    made = scaffoldPlugin(name, ctx.pluginsDir);
  } catch (e) {
    if (e instanceof ScaffoldError) throw new CliError(e.message);
    throw e;
  }
  if (ctx.json) return printJson(ctx.io, { name, path: made.dir, files: made.files }), 0;
  ctx.io.out(`created ${made.dir}/ (${made.files.join(", ")})`);
  ctx.io.out(`  test it:    cd ${made.dir} && bun test`);
  ctx.io.out(`  enable it:  bifrost plugin enable ${name}`);
  return 0;
}

/**
 * Plugins loaded at run time import "bifrost/plugin" from wherever they were installed (an app's
 * plugins/, an npm tarball without node_modules): the host registers its own contract module under
 * that name, so every plugin gets this gateway's contract without a dependency of its own.
 */
import { plugin } from "bun";
import * as contract from "../plugin";

let provided = false;

export function provideContractModule(): void {
  if (provided) return;
  provided = true;
  // Runtime onResolve does not see bare specifiers in Bun 1.4; a virtual module does.
  plugin({ name: "bifrost/plugin", setup: (build) => void build.module("bifrost/plugin", () => ({ exports: { ...contract }, loader: "object" })) });
}

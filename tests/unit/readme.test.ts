import { expect, test } from "bun:test";
import { providerTableMarkdown, TABLE_END, TABLE_START } from "../../src/providers/capabilities";

test("the README's provider table is the one the adapters declare (regenerate: bifrost providers --markdown)", async () => {
  const readme = await Bun.file(new URL("../../README.md", import.meta.url)).text();
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  expect(start).toBeGreaterThan(-1);
  expect(end).toBeGreaterThan(start);
  expect(readme.slice(start + TABLE_START.length, end).trim()).toBe(providerTableMarkdown());
});

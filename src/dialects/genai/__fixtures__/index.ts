/** Test helpers for the GenAI dialect: recorded client requests. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const fixtureText = (name: string): string => readFileSync(join(import.meta.dir, name), "utf8");
export const fixtureJson = (name: string): any => JSON.parse(fixtureText(name));

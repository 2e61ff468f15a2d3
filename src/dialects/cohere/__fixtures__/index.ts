/** Fixtures for the dialect tests: canonical responses (.json) and chunk streams (.chunks.txt), and Cohere requests. */
import { canonicalFixtures } from "../../../../tests/support/dialect-fixtures";

export const { fixtureText, fixtureJson, chatResponse, chatChunks } = canonicalFixtures(import.meta.dir);
export { sseEvents } from "../../../../tests/support/dialect-fixtures";

/** Fixtures for the dialect tests: canonical responses (.json) and chunk streams (.chunks.txt), and Cohere requests. */
import { fixtures } from "../../../../tests/support/fixtures";

export const { fixtureText, fixtureJson, chatResponse, chatChunks } = fixtures(import.meta.dir);
export { sseEvents } from "../../../../tests/support/dialect-fixtures";

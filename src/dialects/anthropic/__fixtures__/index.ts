/** Canonical chat fixtures shared by the dialect tests: responses (.json) and chunk streams (.chunks.txt, as an OpenAI-compatible upstream sends them, or as the Anthropic adapter decodes its recorded streams). */
import { canonicalFixtures } from "../../../../tests/support/dialect-fixtures";

export const { fixtureText, chatResponse, chatChunks } = canonicalFixtures(import.meta.dir);
export { sseEvents } from "../../../../tests/support/dialect-fixtures";

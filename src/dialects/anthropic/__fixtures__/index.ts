/** Canonical chat fixtures shared by the dialect tests: responses (.json) and chunk streams (.chunks.txt, as an OpenAI-compatible upstream sends them, or as the Anthropic adapter decodes its recorded streams). */
import { fixtures } from "../../../../tests/support/fixtures";

export const { fixtureText, chatResponse, chatChunks } = fixtures(import.meta.dir);
export { sseEvents } from "../../../../tests/support/dialect-fixtures";

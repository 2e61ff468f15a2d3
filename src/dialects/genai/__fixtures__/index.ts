/** Test helpers for the GenAI dialect: recorded client requests, and canonical chunks one JSON a line. */
import { fixtures } from "../../../../tests/support/fixtures";

export const { fixtureText, fixtureJson, fixtureJsonLines } = fixtures(import.meta.dir);

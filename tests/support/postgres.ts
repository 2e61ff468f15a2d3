/** The PostgreSQL the tests make their databases on (BIFROST_TEST_PG_URL, else the local one, user postgres). */
import { SQL } from "bun";

export const PG_ADMIN_URL = process.env.BIFROST_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** True when it answers; otherwise says which tests are skipped and why. */
export async function pgReachable(skipped: string): Promise<boolean> {
  const sql = new SQL(PG_ADMIN_URL, { max: 1, connectionTimeout: 3 });
  try {
    await sql`SELECT 1`;
    return true;
  } catch (e) {
    console.warn(`${skipped} skipped: ${PG_ADMIN_URL} is unreachable (${(e as Error).message})`);
    return false;
  } finally {
    await sql.close();
  }
}

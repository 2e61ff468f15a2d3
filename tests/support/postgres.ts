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

/**
 * A throwaway database for one test file: created before its tests, dropped after (connections
 * closed by force). `url` is its connection URL.
 */
export function throwawayDatabase(prefix: string): { name: string; url: string; create(): Promise<void>; drop(): Promise<void> } {
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const admin = async (statement: string) => {
    const sql = new SQL(PG_ADMIN_URL, { max: 1 });
    try {
      await sql.unsafe(statement);
    } finally {
      await sql.close();
    }
  };
  return { name, url: url.href, create: () => admin(`CREATE DATABASE ${name}`), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

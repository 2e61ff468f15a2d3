/**
 * The config store over SQL, one implementation for SQLite and PostgreSQL: providers (their keys in a
 * column of their own, sealed when BIFROST_ENCRYPTION_KEY is set), settings (client, plugins) and a
 * version counter every write bumps. Statements use $1 placeholders and ON CONFLICT, which both speak.
 */
import type { ClientConfig, ProviderConfig } from "../../config/schema";
import type { Sealer } from "./crypto";
import type { ConfigStore, PluginEntry, StoredConfig } from "./types";

/** What the store needs of a database. */
export interface Db {
  all(sql: string, params?: unknown[]): Promise<Record<string, any>[]>;
  run(sql: string, params?: unknown[]): Promise<void>;
  /** Run `fn` in one transaction. */
  tx(fn: (db: Db) => Promise<void>): Promise<void>;
  /** PostgreSQL: call `cb` on each NOTIFY on `channel`. */
  listen?(channel: string, cb: () => void): Promise<void>;
  close(): Promise<void>;
}

const CHANNEL = "bifrost_config";

const SCHEMA = [
  "CREATE TABLE IF NOT EXISTS bifrost_providers (name TEXT PRIMARY KEY, position INTEGER NOT NULL, config TEXT NOT NULL, keys TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS bifrost_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS bifrost_version (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)",
  "INSERT INTO bifrost_version (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
];

export class SqlConfigStore implements ConfigStore {
  /** One write at a time: SQLite's single connection must not interleave transactions. */
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly kind: "sqlite" | "postgres",
    private readonly db: Db,
    private readonly sealer: Sealer,
  ) {}

  static async open(kind: "sqlite" | "postgres", db: Db, sealer: Sealer): Promise<SqlConfigStore> {
    for (const s of SCHEMA) await db.run(s);
    return new SqlConfigStore(kind, db, sealer);
  }

  async load(): Promise<StoredConfig | null> {
    const settings = new Map((await this.db.all("SELECT name, value FROM bifrost_settings")).map((r) => [r.name as string, JSON.parse(r.value)]));
    if (!settings.has("seeded")) return null;
    const providers: Record<string, ProviderConfig> = {};
    for (const r of await this.db.all("SELECT name, config, keys FROM bifrost_providers ORDER BY position, name")) {
      const keys = JSON.parse(await this.sealer.open(r.keys));
      providers[r.name] = { ...JSON.parse(r.config), ...(keys ? { keys } : {}) };
    }
    const mcp = settings.get("mcp");
    return { providers, client: settings.get("client") ?? {}, plugins: settings.get("plugins") ?? [], ...(mcp ? { mcp: JSON.parse(await this.sealer.open(mcp)) } : {}) };
  }

  replace(config: StoredConfig): Promise<void> {
    return this.write(async (db) => {
      await db.run("DELETE FROM bifrost_providers");
      let position = 0;
      for (const [name, p] of Object.entries(config.providers)) await this.upsertProvider(db, name, p, ++position);
      await setting(db, "client", config.client);
      await setting(db, "plugins", config.plugins);
      if (config.mcp) await setting(db, "mcp", await this.sealer.seal(JSON.stringify(config.mcp)));
      await setting(db, "seeded", true);
    });
  }

  putProvider(name: string, config: ProviderConfig): Promise<void> {
    return this.write(async (db) => {
      const [row] = await db.all("SELECT COALESCE(MAX(position), 0) + 1 AS next FROM bifrost_providers");
      await this.upsertProvider(db, name, config, Number(row!.next));
    });
  }

  deleteProvider(name: string): Promise<void> {
    return this.write((db) => db.run("DELETE FROM bifrost_providers WHERE name = $1", [name]));
  }

  putClient(client: ClientConfig): Promise<void> {
    return this.write((db) => setting(db, "client", client));
  }

  putPlugins(plugins: PluginEntry[]): Promise<void> {
    return this.write((db) => setting(db, "plugins", plugins));
  }

  async putMcp(mcp: Record<string, unknown>): Promise<void> {
    const sealed = await this.sealer.seal(JSON.stringify(mcp));
    return this.write((db) => setting(db, "mcp", sealed));
  }

  async version(): Promise<number> {
    const [row] = await this.db.all("SELECT version FROM bifrost_version WHERE id = 1");
    return Number(row?.version ?? 0);
  }

  /** Told of every write (from any replica) where the database can say so; polling version() covers the rest. */
  async watch(onChange: () => void): Promise<boolean> {
    if (!this.db.listen) return false;
    await this.db.listen(CHANNEL, onChange);
    return true;
  }

  close(): Promise<void> {
    return this.db.close();
  }

  private write(fn: (db: Db) => Promise<void>): Promise<void> {
    const next = this.chain.then(() =>
      this.db.tx(async (db) => {
        await fn(db);
        await db.run("UPDATE bifrost_version SET version = version + 1 WHERE id = 1");
        // Delivered when the transaction commits: replicas listening reload at once.
        if (this.kind === "postgres") await db.run(`NOTIFY ${CHANNEL}`);
      }),
    );
    this.chain = next.catch(() => {});
    return next;
  }

  /** A provider row keeps its position when it is updated (so file order survives for unprefixed routing). */
  private async upsertProvider(db: Db, name: string, p: ProviderConfig, position: number) {
    const { keys, ...rest } = p;
    await db.run(
      "INSERT INTO bifrost_providers (name, position, config, keys) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO UPDATE SET config = excluded.config, keys = excluded.keys",
      [name, position, JSON.stringify(rest), await this.sealer.seal(JSON.stringify(keys ?? null))],
    );
  }
}

function setting(db: Db, name: string, value: unknown): Promise<void> {
  return db.run("INSERT INTO bifrost_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value", [name, JSON.stringify(value)]);
}

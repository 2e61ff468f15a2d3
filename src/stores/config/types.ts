/** The config store's contract: what survives a restart and what replicas share (providers, keys, client and plugin settings). */
import type { ClientConfig, ProviderConfig } from "../../config/schema";
import type { PluginEntry } from "../../plugins/types";

export type { PluginEntry };

/** The stored part of config.json, env.X references kept as written. */
export interface StoredConfig {
  providers: Record<string, ProviderConfig>;
  client: ClientConfig;
  plugins: PluginEntry[];
  /** The mcp section (client configs added or changed through the API included). */
  mcp?: Record<string, unknown>;
}

export interface ConfigStore {
  readonly kind: "sqlite" | "postgres";
  /** null until the store was seeded. */
  load(): Promise<StoredConfig | null>;
  /** Replace everything (first start, --reset-store, SIGHUP). */
  replace(config: StoredConfig): Promise<void>;
  putProvider(name: string, config: ProviderConfig): Promise<void>;
  deleteProvider(name: string): Promise<void>;
  putClient(client: ClientConfig): Promise<void>;
  putPlugins(plugins: PluginEntry[]): Promise<void>;
  /** The mcp section, sealed like keys (headers and envs may hold tokens). */
  putMcp(mcp: Record<string, unknown>): Promise<void>;
  /** Bumped by every write: a replica that sees it change reloads. */
  version(): Promise<number>;
  /** Call `onChange` when any replica writes, if the database can push that (PostgreSQL LISTEN/NOTIFY); false when it cannot. */
  watch(onChange: () => void): Promise<boolean>;
  close(): Promise<void>;
}

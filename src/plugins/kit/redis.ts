/**
 * One Redis connection for plugins that keep shared state (governance's counters, the cache): Bun's
 * client without its offline queue or auto-reconnect, connected (again) before a command when it is
 * down, every connect and command bounded in time, Lua scripts sent by SHA with EVAL on NOSCRIPT.
 * Every failure is an error of the caller's kind naming Redis and only host:port (a URL's password
 * never reaches a message), so a plugin can turn it into its on-error policy.
 */
import { RedisClient } from "bun";

export interface RedisConnectionOptions {
  /** Default redis://127.0.0.1:6379. */
  url?: string;
  /** How long a connect may take (ms, default 1000). */
  connectTimeoutMs?: number;
  /** How long a command may take (ms, default 1000). */
  commandTimeoutMs?: number;
  /** The caller's error, e.g. (m, cause) => new MyStoreError(`Redis my store: ${m}`, { cause }). */
  fail(message: string, cause?: unknown): Error;
}

export class RedisConnection {
  /** host:port only. */
  readonly host: string;
  private readonly client: RedisClient;
  private readonly connectTimeoutMs: number;
  private readonly commandTimeoutMs: number;
  private readonly fail: (message: string, cause?: unknown) => Error;
  private readonly shas = new Map<string, string>();
  private connecting: Promise<void> | null = null;
  private closed = false;

  constructor(o: RedisConnectionOptions) {
    const url = o.url ?? "redis://127.0.0.1:6379";
    this.host = URL.parse(url)?.host || "redis";
    this.connectTimeoutMs = o.connectTimeoutMs ?? 1000;
    this.commandTimeoutMs = o.commandTimeoutMs ?? 1000;
    this.fail = o.fail;
    // No offline queue: a command while disconnected fails at once instead of waiting.
    this.client = new RedisClient(url, { connectionTimeout: this.connectTimeoutMs, autoReconnect: false, enableOfflineQueue: false });
  }

  async send(command: string, args: string[]): Promise<unknown> {
    if (this.closed) throw this.fail("closed");
    if (!this.client.connected) {
      this.connecting ??= this.within(this.client.connect(), this.connectTimeoutMs, `connect to ${this.host}`)
        .catch((err) => {
          throw this.owned(err) ? err : this.fail(`cannot connect to ${this.host}: ${(err as Error)?.message ?? err}`, err);
        })
        .finally(() => {
          this.connecting = null;
        });
      await this.connecting;
    }
    try {
      return await this.within(this.client.send(command, args), this.commandTimeoutMs, command);
    } catch (err) {
      throw this.owned(err) ? err : this.fail(`${command} failed: ${(err as Error)?.message ?? err}`, err);
    }
  }

  /** A Lua script: EVALSHA, loading it with EVAL the first time a server has not seen it. */
  async script(source: string, keys: string[], args: string[]): Promise<unknown> {
    let sha = this.shas.get(source);
    if (!sha) this.shas.set(source, (sha = new Bun.CryptoHasher("sha1").update(source).digest("hex")));
    try {
      return await this.send("EVALSHA", [sha, String(keys.length), ...keys, ...args]);
    } catch (err) {
      if (!String((err as Error).message).includes("NOSCRIPT")) throw err;
      return await this.send("EVAL", [source, String(keys.length), ...keys, ...args]);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.close();
  }

  private readonly mine = new WeakSet<object>();

  /** An error this connection already made (not to be wrapped twice). */
  private owned(err: unknown): boolean {
    return typeof err === "object" && err !== null && this.mine.has(err);
  }

  private within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const e = this.fail(`${what} timed out after ${ms} ms`);
        this.mine.add(e);
        reject(e);
      }, ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}

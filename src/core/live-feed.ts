/**
 * The live feed behind GET /ws: plugins publish messages (ctx.broadcast), the HTTP app delivers them
 * to its authenticated WebSocket clients. A message is serialised once, and not at all when nobody
 * listens. Several apps (one per listening server) may attach.
 */
export interface FeedSink {
  /** Clients listening now. */
  listeners(): number;
  send(json: string): void;
}

export class LiveFeed {
  private readonly sinks = new Set<FeedSink>();

  attach(sink: FeedSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  /** A function is called only when someone listens. */
  publish(message: object | (() => object)): void {
    let json: string | null = null;
    for (const s of this.sinks) {
      if (s.listeners() === 0) continue;
      try {
        json ??= JSON.stringify(typeof message === "function" ? message() : message);
      } catch {
        return; // a message that cannot be serialised (a cycle) is not sent
      }
      s.send(json);
    }
  }
}

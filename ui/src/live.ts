/**
 * The gateway's live feed (GET /ws, admin-guarded by the same session cookie): one WebSocket for the
 * whole page, opened while someone listens, reconnecting with back-off. Messages are JSON objects
 * with a `type` ("log" for a new request log: {type, operation, payload}).
 */

export interface FeedMessage {
  type: string;
  operation?: string;
  payload?: any;
  [k: string]: unknown;
}

type Listener = (m: FeedMessage) => void;
type StateListener = (connected: boolean) => void;

const listeners = new Map<string, Set<Listener>>();
const stateListeners = new Set<StateListener>();
let socket: WebSocket | null = null;
let retryMs = 500;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let connected = false;

function listening(): boolean {
  for (const set of listeners.values()) if (set.size) return true;
  return stateListeners.size > 0;
}

function setConnected(v: boolean) {
  if (connected === v) return;
  connected = v;
  stateListeners.forEach((fn) => fn(v));
}

function open() {
  if (socket || !listening()) return;
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => {
    if (socket !== ws) return;
    retryMs = 500;
    setConnected(true);
  };
  ws.onmessage = (ev) => {
    let m: FeedMessage;
    try {
      m = JSON.parse(String(ev.data));
    } catch {
      return;
    }
    if (!m || typeof m.type !== "string") return;
    listeners.get(m.type)?.forEach((fn) => fn(m));
    listeners.get("*")?.forEach((fn) => fn(m));
  };
  ws.onclose = () => {
    // A socket already replaced (logout, a reconnect) must not clear or reopen the current one.
    if (socket !== ws) return;
    socket = null;
    setConnected(false);
    if (!listening()) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      open();
    }, retryMs);
    retryMs = Math.min(retryMs * 2, 10_000);
  };
}

function closeIfIdle() {
  if (listening()) return;
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = null;
  socket?.close();
  socket = null;
}

/** Listen to messages of one type ("*" for all); returns the unsubscribe. */
export function subscribe(type: string, fn: Listener): () => void {
  let set = listeners.get(type);
  if (!set) listeners.set(type, (set = new Set()));
  set.add(fn);
  open();
  return () => {
    set!.delete(fn);
    closeIfIdle();
  };
}

/** Follow the connection's state (true while the feed is open); called at once with the current one. */
export function onFeedState(fn: StateListener): () => void {
  stateListeners.add(fn);
  fn(connected);
  open();
  return () => {
    stateListeners.delete(fn);
    closeIfIdle();
  };
}

/** Drop the socket (after logout); listeners stay and reconnect on the next subscribe. */
export function resetFeed() {
  socket?.close();
  socket = null;
}

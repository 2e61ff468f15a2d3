/** Data loading for pages: a call's result, its error and a reload, optionally refreshed on a timer. */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => Promise<void>;
}

/**
 * Runs `load` on mount, whenever `deps` change, on `reload()` and every `pollMs` when given (not while
 * the tab is hidden). An answer that arrives after a newer call started is dropped.
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[] = [], pollMs?: number): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async () => {
    const mine = ++seq.current;
    const ac = new AbortController();
    setLoading(true);
    try {
      const v = await loadRef.current(ac.signal);
      if (mine === seq.current) {
        setData(v);
        setError(undefined);
      }
    } catch (e) {
      if (mine === seq.current && (e as Error).name !== "AbortError") setError(e as Error);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void reload();
    if (!pollMs) return;
    const t = setInterval(() => {
      if (!document.hidden) void reload();
    }, pollMs);
    return () => clearInterval(t);
  }, [...deps, pollMs]);

  return { data, error, loading, reload };
}

/** A value kept in localStorage under `bifrost.<key>`. */
export function useStored<T>(key: string, initial: T): [T, (v: T) => void] {
  const [v, setV] = useState<T>(() => {
    try {
      const raw = localStorage.getItem(`bifrost.${key}`);
      return raw === null ? initial : (JSON.parse(raw) as T);
    } catch {
      return initial;
    }
  });
  const set = useCallback(
    (nv: T) => {
      setV(nv);
      try {
        localStorage.setItem(`bifrost.${key}`, JSON.stringify(nv));
      } catch {
        /* storage full or off */
      }
    },
    [key],
  );
  return [v, set];
}

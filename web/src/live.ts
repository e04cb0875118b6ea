/**
 * Live data on a plant's Wi-Fi. Each screen polls what it shows (1.5 s by default, so a change
 * by someone else or by telemetry shows within 2 s); a failed request marks the connection
 * lost: the screen keeps the last known data, the banner says how old it is, actions are
 * refused, and polling backs off and reconnects by itself. Hidden tabs do not poll.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

interface ConnectionState {
  online: boolean;
  /** When a request last succeeded (epoch ms). */
  lastOkAt: number;
}

const connection: ConnectionState = { online: true, lastOkAt: Date.now() };
const listeners = new Set<() => void>();
const notify = () => {
  for (const l of listeners) l();
};

export function markOnline(): void {
  connection.lastOkAt = Date.now();
  if (!connection.online) {
    connection.online = true;
    notify();
  }
}

export function markOffline(): void {
  if (connection.online) {
    connection.online = false;
    notify();
  }
}

if (typeof window !== 'undefined') window.addEventListener('offline', markOffline);

/** The connection as a screen shows it; re-renders every second while it is lost (the age ticks). */
export function useConnection(): ConnectionState & { ageMs: number } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const rerender = () => setTick((t) => t + 1);
    listeners.add(rerender);
    const timer = setInterval(() => {
      if (!connection.online) rerender();
    }, 1000);
    return () => {
      listeners.delete(rerender);
      clearInterval(timer);
    };
  }, []);
  return { ...connection, ageMs: Date.now() - connection.lastOkAt };
}

export const isOnline = () => connection.online;

export interface Live<T> {
  data: T | undefined;
  /** The last failure, cleared by the next success. */
  error: Error | undefined;
  loading: boolean;
  /** When `data` was loaded (epoch ms). */
  updatedAt: number | undefined;
  /** Load now (after an action, or to retry). */
  reload: () => Promise<void>;
}

export interface LiveOptions<T> {
  /** Poll interval while connected; default 1500 ms. 0 = load once. */
  intervalMs?: number;
  /** Data already in hand for the first render (e.g. the boot script's answer): the first load then waits one interval (none with `intervalMs: 0`). */
  initial?: () => T | undefined;
}

/**
 * Loads with `load` now and then every `intervalMs`; `deps` restart it (like useEffect). The
 * last good data stays while requests fail; retries back off to 10 s while the connection is lost.
 */
export function useLive<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[], options: LiveOptions<T> = {}): Live<T> {
  const interval = options.intervalMs ?? 1500;
  const [state, setState] = useState<Omit<Live<T>, 'reload'>>(() => {
    const data = options.initial?.();
    return data === undefined
      ? { data: undefined, error: undefined, loading: true, updatedAt: undefined }
      : { data, error: undefined, loading: false, updatedAt: Date.now() };
  });
  const hadInitial = useRef(state.data !== undefined);
  const loadRef = useRef(load);
  loadRef.current = load;
  const run = useRef<() => Promise<void>>(async () => {});

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let controller: AbortController | undefined;
    let failures = 0;
    const tick = async () => {
      if (timer) clearTimeout(timer);
      controller?.abort();
      controller = new AbortController();
      try {
        const data = await loadRef.current(controller.signal);
        if (stopped) return;
        failures = 0;
        setState({ data, error: undefined, loading: false, updatedAt: Date.now() });
      } catch (error) {
        if (stopped || (error as Error).name === 'AbortError') return;
        failures++;
        setState((s) => ({ ...s, error: error as Error, loading: false }));
      }
      if (stopped || interval === 0) return;
      const wait = failures === 0 ? interval : Math.min(10_000, 1000 * 2 ** Math.min(failures, 4));
      timer = setTimeout(() => {
        if (document.hidden) return;
        void tick();
      }, wait);
    };
    run.current = tick;
    const onVisible = () => {
      if (!document.hidden) void tick();
    };
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('online', onVisible);
    if (hadInitial.current) {
      // Fresh data in hand: polled, the next load is one interval away; loaded once, it is loaded.
      hadInitial.current = false;
      if (interval > 0) timer = setTimeout(() => void tick(), interval);
    } else void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      controller?.abort();
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('online', onVisible);
    };
  }, deps);

  const reload = useCallback(() => run.current(), []);
  return { ...state, reload };
}

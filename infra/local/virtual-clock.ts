/**
 * Time for the local runtime's timers. `npm start` runs on the system clock with real timers;
 * tests hand the runtime a VirtualClock, which stands still until the test moves it, so the
 * webhook retry schedule (immediately, 5 s, 5 min, ... 24 h) runs in seconds and in order.
 * Both implement the domain's one Clock (`now()`), which the functions read through
 * functions/lib/clock.ts.
 */
import type { Clock } from '../../shared/domain/clock.ts';

export interface SchedulingClock extends Clock {
  /**
   * Calls `fn` once the clock reads `at` (epoch ms) or later, at once (on a later tick) when
   * that is now or past. `fn` should not reject. Returns a function that cancels the call.
   */
  schedule(at: number, fn: () => void | Promise<void>): () => void;
}

/** setTimeout's limit (about 24.8 days); longer waits are re-armed. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Wall-clock time and real timers. Timers are unref'd: they never keep a process alive. */
export class SystemClock implements SchedulingClock {
  now(): Date {
    return new Date();
  }

  schedule(at: number, fn: () => void | Promise<void>): () => void {
    let timer: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = () => {
      const wait = at - Date.now();
      timer = wait > MAX_TIMEOUT_MS ? setTimeout(arm, MAX_TIMEOUT_MS) : setTimeout(fire, Math.max(0, wait));
      timer.unref();
    };
    const fire = () => {
      if (cancelled) return;
      Promise.resolve()
        .then(fn)
        .catch((error: unknown) => console.error('a local timer failed', error));
    };
    arm();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }
}

interface VirtualTimer {
  at: number;
  seq: number;
  fn: () => void | Promise<void>;
}

/**
 * A clock that moves only when told. What is due at the current virtual time runs at once (as
 * a zero-delay timer would), and the clock keeps track of it; `advance` and `runUntilIdle` fire
 * the later timers one at a time in time order, setting the time to each timer's, and wait for
 * everything a timer started (handlers included) before firing the next. A timer that throws
 * makes the next `advance`/`runUntilIdle`/`settle` reject with its error.
 */
export class VirtualClock implements SchedulingClock {
  private current: number;
  private timers: VirtualTimer[] = [];
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;
  private seq = 0;

  /** Starts at `start` (default 2030-01-01T00:00:00Z, so nothing depends on today's date). */
  constructor(start: Date | string | number = '2030-01-01T00:00:00.000Z') {
    this.current = new Date(start).getTime();
    if (Number.isNaN(this.current)) throw new Error(`VirtualClock: ${String(start)} is not a time`);
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Timers waiting for a later time. */
  get pending(): number {
    return this.timers.length;
  }

  /** When the next timer is due, or undefined when none waits. */
  get nextAt(): Date | undefined {
    const next = this.timers[0];
    return next && new Date(next.at);
  }

  schedule(at: number, fn: () => void | Promise<void>): () => void {
    const timer: VirtualTimer = { at, seq: this.seq++, fn };
    if (at <= this.current) {
      let cancelled = false;
      queueMicrotask(() => cancelled || this.start(fn));
      return () => {
        cancelled = true;
      };
    }
    // Sorted by time, then by scheduling order: equal times fire first come, first served.
    const index = this.timers.findIndex((t) => t.at > at);
    this.timers.splice(index === -1 ? this.timers.length : index, 0, timer);
    return () => {
      const i = this.timers.indexOf(timer);
      if (i !== -1) this.timers.splice(i, 1);
    };
  }

  /** Waits for everything started so far (and what that starts at the current time). */
  async settle(): Promise<void> {
    // One macrotask first: work scheduled with queueMicrotask has registered by then.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.running.size > 0) {
      await Promise.allSettled([...this.running]);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure.error;
  }

  /** Moves time forward by `ms`, firing every timer due on the way in time order. */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new Error(`VirtualClock.advance: ${ms} is not a duration`);
    const target = this.current + ms;
    await this.settle();
    for (let next = this.timers[0]; next && next.at <= target; next = this.timers[0]) await this.fire(next);
    this.current = Math.max(this.current, target);
    await this.settle();
  }

  /** Moves time forward to `at` (no-op when it is past). */
  advanceTo(at: Date | string | number): Promise<void> {
    return this.advance(Math.max(0, new Date(at).getTime() - this.current));
  }

  /**
   * Fires timers in time order until none is left, time jumping to each. `maxTimers` guards
   * against something that keeps rescheduling itself forever.
   */
  async runUntilIdle(maxTimers = 10_000): Promise<void> {
    await this.settle();
    for (let fired = 0; this.timers[0]; fired++) {
      if (fired >= maxTimers) {
        throw new Error(
          `VirtualClock.runUntilIdle: still ${this.timers.length} timer(s) after ${maxTimers}; the next is at ${this.nextAt?.toISOString()}`,
        );
      }
      await this.fire(this.timers[0]);
    }
  }

  private async fire(timer: VirtualTimer) {
    this.timers.shift();
    this.current = Math.max(this.current, timer.at);
    this.start(timer.fn);
    await this.settle();
  }

  private start(fn: () => void | Promise<void>) {
    const run: Promise<void> = Promise.resolve()
      .then(fn)
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }
}

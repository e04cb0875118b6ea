/** Latency samples: a bounded load loop and the percentiles the report prints. */
import { performance } from 'node:perf_hooks';

export interface Latency {
  samples: number;
  p50: number;
  p99: number;
  /** Requests per second over the whole figure. */
  rate: number;
  errors: number;
}

export interface LoadOptions {
  concurrency: number;
  /** At most this many samples... */
  samples: number;
  /** ...and stop starting new ones after this long. */
  maxMs: number;
}

export interface Run {
  /** Latency of each successful op, ms. */
  times: number[];
  /** Indexes of the successful ops. */
  done: number[];
  errors: number;
  seconds: number;
}

/**
 * Runs `op(i)` for i = 0, 1, ... from `concurrency` workers until `samples` ran or `maxMs`
 * passed. `op` returns false for a failed request: it is counted, not timed.
 */
export async function load(options: LoadOptions, op: (i: number) => Promise<boolean>): Promise<Run> {
  const times: number[] = [];
  const done: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + options.maxMs;
  const worker = async () => {
    while (next < options.samples && performance.now() < deadline) {
      const i = next++;
      const t = performance.now();
      if (await op(i)) {
        times.push(performance.now() - t);
        done.push(i);
      } else errors++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { times, done, errors, seconds: (performance.now() - started) / 1000 };
}

/** One figure gathered over several rounds, so API and floor see the same background load. */
export class Figure {
  private readonly times: number[] = [];
  private errors = 0;
  private seconds = 0;

  add(run: Run): void {
    this.times.push(...run.times);
    this.errors += run.errors;
    this.seconds += run.seconds;
  }

  latency(): Latency {
    return { ...summarize(this.times), rate: this.seconds ? this.times.length / this.seconds : 0, errors: this.errors };
  }
}

export function summarize(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  return { samples: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

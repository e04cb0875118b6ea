/**
 * The fair split (docs/labor.md): while a person is on N entries at once (operations or
 * indirect), each moment counts 1/N to each. Computed from the raw entries when read, never
 * stored. Pure: no I/O, no clock (`now` ends open entries).
 */
import type { ShiftCalendar, ShiftOccurrence } from '../telemetry/shifts.ts';
import { shiftOccurrences } from '../telemetry/shifts.ts';
import type { LaborEntry } from './model.ts';

export interface Allocation {
  entry: LaborEntry;
  /** The entry's share of the person's time in the window, in ms. */
  ms: number;
  /** The same by shift (`{date} {name}`; time outside every shift under `''`). */
  byShift: Map<string, number>;
}

export interface SplitOptions {
  from: number;
  to: number;
  /** Ends the entries still open. */
  now: number;
  /** An entry may end earlier than its record says (an operation completed while it was open). */
  endOf?: (entry: LaborEntry) => number | undefined;
  calendar?: ShiftCalendar | undefined;
}

const shiftKey = (o: ShiftOccurrence) => `${o.date} ${o.name}`;

/** One person's entries, split fairly over [from, to). */
export function fairSplit(entries: readonly LaborEntry[], options: SplitOptions): Allocation[] {
  const { from, to, now } = options;
  const spans = entries.map((entry) => {
    const recorded = entry.endedAt ? Date.parse(entry.endedAt) : now;
    const capped = options.endOf?.(entry);
    const end = Math.min(recorded, capped ?? recorded, to);
    return { entry, start: Math.max(Date.parse(entry.startedAt), from), end };
  });
  const out = spans.map((s) => ({ entry: s.entry, ms: 0, byShift: new Map<string, number>() }));
  const live = spans.filter((s) => s.end > s.start);
  if (!live.length) return out;
  const lo = Math.min(...live.map((s) => s.start));
  const hi = Math.max(...live.map((s) => s.end));
  const shifts = options.calendar ? shiftOccurrences(options.calendar, lo, hi) : [];
  const cuts = new Set<number>();
  for (const s of live) cuts.add(s.start).add(s.end);
  for (const o of shifts) for (const t of [o.start, o.end]) if (t > lo && t < hi) cuts.add(t);
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i] as number;
    const b = points[i + 1] as number;
    const on = spans.flatMap((s, k) => (s.start <= a && s.end >= b && s.end > s.start ? [k] : []));
    if (!on.length) continue;
    const share = (b - a) / on.length;
    const shift = shifts.find((o) => o.start <= a && a < o.end);
    const key = shift ? shiftKey(shift) : '';
    for (const k of on) {
      const alloc = out[k] as Allocation;
      alloc.ms += share;
      alloc.byShift.set(key, (alloc.byShift.get(key) ?? 0) + share);
    }
  }
  return out;
}

/** Minutes to two decimals, as the API shows them. */
export const minutes = (ms: number) => Math.round((ms / 60_000) * 100) / 100;

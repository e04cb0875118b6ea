/**
 * Recorded shifts: JSONL, one `{ topic, payload }` per line in publish order, each payload with
 * its own timestamp. `recordShift` runs the generator deterministically (seeded, no clock) and
 * returns the lines with the ground truth; `summarizeRecording` re-derives the totals from the
 * messages alone, which is what an ingest must be able to do.
 */
import { readFileSync } from 'node:fs';
import { EQUIPMENT_STATES } from '../shared/telemetry/messages.ts';
import { COUNTER_MODULO, createUnitSimulator, type TelemetryMessage, type UnitTruth } from './generator.ts';

export interface RecordOptions {
  tenantId: string;
  units: readonly string[];
  seed: number;
  startTs: number;
  durationMs: number;
  sampleEveryMs: number;
}

export interface ExpectedTotals {
  /** How to make the recording again (a test checks it still comes out the same). */
  generatedBy: RecordOptions & { command: string };
  shift: { start: string; end: string; durationMs: number };
  units: Record<string, UnitTruth>;
  notes: string[];
}

export function recordShift(options: RecordOptions): { messages: TelemetryMessage[]; truth: Record<string, UnitTruth> } {
  const end = options.startTs + options.durationMs;
  const runId = `s${options.seed}`;
  const sims = options.units.map((unitId) =>
    createUnitSimulator({
      tenantId: options.tenantId,
      unitId,
      seed: options.seed,
      startTs: options.startTs,
      sampleEveryMs: options.sampleEveryMs,
      runId,
    }),
  );
  const perUnit = sims.map((sim) => [...sim.start(), ...sim.finish(end)]);
  // One stream in time order, as the units would have published together (stable: unit order breaks ties).
  const messages = perUnit
    .flatMap((list, u) => list.map((m, i) => ({ m, u, i })))
    .sort((a, b) => a.m.payload.ts - b.m.payload.ts || a.u - b.u || a.i - b.i)
    .map((x) => x.m);
  return { messages, truth: Object.fromEntries(sims.map((sim) => [sim.unitId, sim.truth(end)])) };
}

export const toJsonl = (messages: readonly TelemetryMessage[]) => `${messages.map((m) => JSON.stringify(m)).join('\n')}\n`;

export function readRecording(file: string): TelemetryMessage[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const parsed = JSON.parse(line) as TelemetryMessage;
      if (typeof parsed.topic !== 'string' || typeof parsed.payload !== 'object') throw new Error(`${file}:${i + 1}: not a {topic, payload} line`);
      return parsed;
    });
}

/**
 * Totals per unit from the messages alone: counts as the sum of counter increases, where a
 * drop is a rollover when the counter was within 10,000 of 2^32 and a reset (counting from 0)
 * otherwise; time per state from each state message until the next or the end.
 */
export function summarizeRecording(messages: readonly TelemetryMessage[], start: number, end: number) {
  const units: Record<string, { good: number; reject: number; stateMs: Record<string, number> }> = {};
  const last: Record<string, { good?: number; reject?: number; state?: string; since?: number }> = {};
  const increase = (prev: number | undefined, now: number) =>
    prev === undefined ? 0 : now >= prev ? now - prev : prev > COUNTER_MODULO - 10_000 ? COUNTER_MODULO - prev + now : now;
  for (const { topic, payload } of messages) {
    const [, , , unit = '', type] = topic.replace(/^\$aws\/rules\/[^/]+\//, '').split('/');
    const u = (units[unit] ??= { good: 0, reject: 0, stateMs: Object.fromEntries(EQUIPMENT_STATES.map((s) => [s, 0])) });
    const l = (last[unit] ??= {});
    if (type === 'counts' && 'good' in payload) {
      u.good += increase(l.good, payload.good);
      u.reject += increase(l.reject, payload.reject);
      l.good = payload.good;
      l.reject = payload.reject;
    } else if (type === 'state' && 'state' in payload) {
      if (l.state !== undefined && l.since !== undefined) u.stateMs[l.state] = (u.stateMs[l.state] ?? 0) + payload.ts - l.since;
      l.state = payload.state;
      l.since = payload.ts;
    }
  }
  for (const [unit, l] of Object.entries(last)) {
    const u = units[unit];
    if (u && l.state !== undefined && l.since !== undefined) u.stateMs[l.state] = (u.stateMs[l.state] ?? 0) + Math.max(start, end) - l.since;
  }
  return units;
}

/**
 * One simulated work unit, as a discrete-event model in plant time (epoch ms): it runs parts at
 * its cycle time (a little slower than ideal), rejects some (more right after a setup), stops
 * for micro-stops (idle), breakdowns (down), changeovers (setup) and the shift's breaks
 * (planned-stop), and keeps cumulative UINT32 good/reject counters that a PLC may reset after a
 * changeover or roll over at 2^32. It emits what the machine would publish: a state message
 * (with the counters) at every change, and counts or process values every `sampleEveryMs`.
 *
 * It also keeps the ground truth (parts made, time per state) that the published messages
 * must add up to: the expected figures of a recorded shift.
 */
import { EQUIPMENT_STATES } from '../shared/telemetry/messages.ts';
import { telemetryTopic } from '../shared/telemetry/rules.ts';
import { profileFor, type UnitProfile } from './plant.ts';
import { createRng, hash32 } from './prng.ts';

type State = (typeof EQUIPMENT_STATES)[number];
export type Payload =
  | { ts: number; msgId: string; state: State; reasonCode?: string }
  | { ts: number; msgId: string; good: number; reject: number }
  | { ts: number; msgId: string; values: Record<string, number> };
export interface TelemetryMessage {
  topic: string;
  payload: Payload;
}

export interface UnitTruth {
  idealCycleTimeSeconds: number;
  good: number;
  reject: number;
  /** Milliseconds in each state between the start and the time asked for. */
  stateMs: Record<State, number>;
  counterResets: number;
  counterRollovers: number;
}

export interface UnitSimulatorOptions {
  tenantId: string;
  unitId: string;
  seed: number;
  startTs: number;
  /** Plant time between two counts-or-process samples. */
  sampleEveryMs: number;
  /** Makes message ids unique per run (a second run must not look like a redelivery). */
  runId: string;
  /** Breaks are at fixed times after each shift start (every 8 h from here); default startTs. */
  shiftStartTs?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SHIFT = 8 * HOUR;
/** PLC counters are UINT32. */
export const COUNTER_MODULO = 2 ** 32;
const BREAKS = [
  { after: 2 * HOUR, duration: 15 * MINUTE, reason: 'PS-BREAK' },
  { after: 4 * HOUR, duration: 30 * MINUTE, reason: 'PS-MEAL' },
  { after: 6 * HOUR, duration: 15 * MINUTE, reason: 'PS-BREAK' },
] as const;
const MICRO_STOPS = ['MS-STARVED', 'MS-BLOCKED', 'MS-JAM'] as const;
const BREAKDOWNS = ['BD-MOTOR', 'BD-SENSOR', 'BD-JAM', 'BD-PNEUMATIC', 'BD-TOOL'] as const;

export function createUnitSimulator(options: UnitSimulatorOptions) {
  const { tenantId, unitId, startTs, sampleEveryMs } = options;
  const profile: UnitProfile = profileFor(unitId);
  const rng = createRng(options.seed ^ hash32(unitId));
  const shiftStart = options.shiftStartTs ?? startTs;
  const ms = (x: number) => Math.max(1, Math.round(x));
  const topic = (type: string) => telemetryTopic(tenantId, unitId, type);

  // Counters carry over from earlier shifts; some units are about to roll over.
  let good = rng.chance(0.3) ? COUNTER_MODULO - Math.floor(rng.between(200, 3000)) : Math.floor(rng.between(10_000, 500_000));
  let reject = Math.floor(rng.between(100, 5000));
  let seq = 0;
  let state: State = 'running';
  let stateSince = startTs;
  let episodeEnd = Number.POSITIVE_INFINITY;
  let speedFactor = rng.between(...profile.speedLoss);
  let startupPartsLeft = 0;
  let runningMsSinceSetup = 0;
  let partDueAt = startTs + ms(cycleMs());
  let nextMicroStopAt = startTs + ms(rng.exponential(12 * MINUTE));
  let nextBreakdownAt = startTs + ms(rng.exponential(150 * MINUTE));
  let nextSetupAt = startTs + ms(rng.between(1.5 * HOUR, 3 * HOUR));
  let breakIndex = 0;
  while (breakAt(breakIndex) < startTs) breakIndex++;
  let nextSampleAt = startTs + ms(rng.between(0, sampleEveryMs));
  let sampleIndex = 0;
  const ou = profile.variables.map(() => 0);
  const lastRunning = profile.variables.map((variable) => variable.nominal);
  const truth: UnitTruth = {
    idealCycleTimeSeconds: profile.idealCycleTimeSeconds,
    good: 0,
    reject: 0,
    stateMs: Object.fromEntries(EQUIPMENT_STATES.map((s) => [s, 0])) as Record<State, number>,
    counterResets: 0,
    counterRollovers: 0,
  };
  let out: TelemetryMessage[] = [];

  function breakAt(k: number) {
    const b = BREAKS[k % BREAKS.length] as (typeof BREAKS)[number];
    return shiftStart + Math.floor(k / BREAKS.length) * SHIFT + b.after;
  }
  function cycleMs() {
    return Math.max(0.5, speedFactor * (1 + 0.03 * rng.normal())) * profile.idealCycleTimeSeconds * 1000;
  }
  const msgId = () => `${options.runId}-${unitId}-${++seq}`;
  const emitCounts = (ts: number) => out.push({ topic: topic('counts'), payload: { ts, msgId: msgId(), good, reject } });

  function emitProcess(ts: number) {
    const hours = (runningMsSinceSetup + (state === 'running' ? ts - stateSince : 0)) / HOUR;
    const values: Record<string, number> = {};
    profile.variables.forEach((variable, i) => {
      ou[i] = (ou[i] ?? 0) * 0.8 + variable.noise * rng.normal();
      let value: number;
      if (state === 'running') {
        value = variable.nominal + variable.driftPerHour * hours + (ou[i] ?? 0);
        lastRunning[i] = value;
      } else {
        // A machine standing still drifts back towards its idle value.
        const settled = Math.exp(-(ts - stateSince) / (10 * MINUTE));
        value = variable.idle + ((lastRunning[i] ?? variable.nominal) - variable.idle) * settled + 0.2 * (ou[i] ?? 0);
      }
      values[variable.name] = Number(value.toFixed(variable.decimals));
    });
    out.push({ topic: topic('process'), payload: { ts, msgId: msgId(), values } });
  }

  function enter(ts: number, next: State, reasonCode?: string, durationMs?: number) {
    truth.stateMs[state] += ts - stateSince;
    if (state === 'running') runningMsSinceSetup += ts - stateSince;
    state = next;
    stateSince = ts;
    episodeEnd = durationMs === undefined ? Number.POSITIVE_INFINITY : ts + ms(durationMs);
    out.push({ topic: topic('state'), payload: { ts, msgId: msgId(), state: next, ...(reasonCode ? { reasonCode } : {}) } });
    // PLCs send their counters with every state change: no part goes unreported before a reset.
    emitCounts(ts);
    if (next === 'running') {
      partDueAt = ts + ms(cycleMs());
      nextMicroStopAt = ts + ms(rng.exponential(12 * MINUTE));
      nextBreakdownAt = ts + ms(rng.exponential(150 * MINUTE));
    }
  }

  function startSetup(ts: number) {
    nextSetupAt = Number.POSITIVE_INFINITY;
    enter(ts, 'setup', 'SU-CHANGEOVER', rng.between(15 * MINUTE, 30 * MINUTE));
  }
  function startBreak(ts: number) {
    const b = BREAKS[breakIndex % BREAKS.length] as (typeof BREAKS)[number];
    breakIndex++;
    enter(ts, 'planned-stop', b.reason, b.duration);
  }

  function endEpisode(ts: number) {
    if (state === 'setup') {
      // A new lot: new speed, startup rejects, fresh tool; some PLCs zero their counters.
      speedFactor = rng.between(...profile.speedLoss);
      startupPartsLeft = profile.startupParts;
      runningMsSinceSetup = 0;
      nextSetupAt = ts + ms(rng.between(3 * HOUR, 4.5 * HOUR));
      // Not near the top: there a reset would look like a rollover, and the totals would be ambiguous.
      if (rng.chance(0.5) && good < COUNTER_MODULO - 10_000) {
        good = 0;
        reject = 0;
        truth.counterResets++;
      }
    }
    // A break or changeover that fell due meanwhile starts now, without a moment of running between.
    if (nextSetupAt <= ts) startSetup(ts);
    else if (breakAt(breakIndex) <= ts) startBreak(ts);
    else enter(ts, 'running');
  }

  function makePart() {
    const rejected = rng.chance(startupPartsLeft > 0 ? profile.startupRejectRate : profile.rejectRate);
    if (startupPartsLeft > 0) startupPartsLeft--;
    if (rejected) {
      truth.reject++;
      reject = (reject + 1) % COUNTER_MODULO;
    } else {
      truth.good++;
      good = (good + 1) % COUNTER_MODULO;
      if (good === 0) truth.counterRollovers++;
    }
  }

  /** Runs the unit up to `to` (inclusive) and returns what it published meanwhile. */
  function advance(to: number): TelemetryMessage[] {
    out = [];
    for (;;) {
      const running = state === 'running';
      const scheduledBusy = state === 'setup' || state === 'planned-stop';
      // Ties resolve in this order, so a run is the same every time.
      const candidates: [number, (ts: number) => void][] = [
        [running ? partDueAt : Number.POSITIVE_INFINITY, (ts) => ((partDueAt = ts + ms(cycleMs())), makePart())],
        [running ? Number.POSITIVE_INFINITY : episodeEnd, endEpisode],
        [scheduledBusy ? Number.POSITIVE_INFINITY : nextSetupAt, startSetup],
        [scheduledBusy ? Number.POSITIVE_INFINITY : breakAt(breakIndex), startBreak],
        [running ? nextBreakdownAt : Number.POSITIVE_INFINITY, (ts) => enter(ts, 'down', rng.pick(BREAKDOWNS), rng.between(4 * MINUTE, 25 * MINUTE))],
        [running ? nextMicroStopAt : Number.POSITIVE_INFINITY, (ts) => enter(ts, 'idle', rng.pick(MICRO_STOPS), rng.between(20_000, 150_000))],
        [nextSampleAt, (ts) => ((nextSampleAt = ts + sampleEveryMs), sampleIndex++ % 3 === 2 ? emitProcess(ts) : emitCounts(ts))],
      ];
      let best = candidates[0] as (typeof candidates)[number];
      for (const c of candidates) if (c[0] < best[0]) best = c;
      if (best[0] > to) break;
      best[1](best[0]);
    }
    return out;
  }

  return {
    unitId,
    profile,
    /** The first messages: the state and counters at the start. */
    start(): TelemetryMessage[] {
      out = [];
      out.push({ topic: topic('state'), payload: { ts: startTs, msgId: msgId(), state } });
      emitCounts(startTs);
      return out;
    },
    advance,
    /** Runs up to `end` and closes with the counters and process values at that moment. */
    finish(end: number): TelemetryMessage[] {
      const last = advance(end);
      out = last;
      emitCounts(end);
      emitProcess(end);
      return out;
    },
    truth(at: number): UnitTruth {
      const stateMs = { ...truth.stateMs, [state]: truth.stateMs[state] + (at - stateSince) };
      return { ...truth, stateMs };
    },
  };
}

export type UnitSimulator = ReturnType<typeof createUnitSimulator>;

/**
 * Presence: when a unit could report at all (issue 13). A reported state holds until the next
 * one while the unit's connection is alive; offline comes from presence, not from silence:
 * - the connection's lifecycle events (IoT Core's `$aws/events/presence/...`, or the local
 *   broker's): the unit's own client id, or its gateway's when it reports through one. They
 *   come duplicated and out of order: they are ordered by `version` (IoT Core's
 *   versionNumber, per client id), then time, and each takes effect no earlier than the one
 *   before it, so any arrival order gives the same intervals;
 * - what is declared about the unit's link: a gateway's presence sample (its PLC link is down,
 *   or back), or the unit's own Last Will (`{ online: false }`). A declared `online: false`
 *   holds until the unit is declared back, reports a state, or its connection connects again
 *   (a gateway re-declares what is still down after it reconnects, as Sparkplug's NBIRTH does);
 * - only for a unit that declares a heartbeat: silence longer than a few heartbeats while
 *   connected (a stuck publisher; the timeline's `offlineAfterMs`).
 * A unit without any lifecycle event (data written without a broker) is connected.
 * Pure: the timeline, the unit status and the live view all read presence through here.
 */
import { type Interval, unionIntervals } from './intervals.ts';

/** A connect or disconnect of one client id. */
export interface ConnectionEvent {
  ts: number;
  /** IoT Core's versionNumber: grows per client id; a disconnect carries its session's. */
  version: number;
  connected: boolean;
}

/** A unit's link as declared: by its gateway (a presence sample) or by itself (its Last Will). */
export interface DeclaredPresence {
  ts: number;
  online: boolean;
  /** Breaks ties between different samples with the same time (the highest wins). */
  msgId?: string | undefined;
}

export interface PresenceFacts {
  /**
   * Lifecycle events of the unit's connection: those in force at the window's start and those
   * inside it (more is harmless). Empty or absent: no broker ever reported it, so connected.
   */
  connection?: readonly ConnectionEvent[] | undefined;
  /** Declared presence of the unit: in force at the window's start and inside it. */
  declared?: readonly DeclaredPresence[] | undefined;
}

/** Lifecycle events in the order they took effect, each at its effective time (never before the one before it). */
function effective(events: readonly ConnectionEvent[]): ConnectionEvent[] {
  // Same version and time: connect before disconnect (a session's end follows its start).
  const sorted = [...events].sort((a, b) => a.version - b.version || a.ts - b.ts || Number(b.connected) - Number(a.connected));
  const out: ConnectionEvent[] = [];
  let at = Number.NEGATIVE_INFINITY;
  for (const e of sorted) {
    at = Math.max(at, e.ts);
    out.push({ ...e, ts: at });
  }
  return out;
}

/** When the connection was down: from each effective disconnect to the next effective connect (open: +Infinity). */
export function connectionDown(events: readonly ConnectionEvent[]): Interval[] {
  const down: Interval[] = [];
  let since: number | undefined;
  for (const e of effective(events)) {
    if (!e.connected && since === undefined) since = e.ts;
    else if (e.connected && since !== undefined) {
      down.push({ start: since, end: e.ts });
      since = undefined;
    }
  }
  if (since !== undefined) down.push({ start: since, end: Number.POSITIVE_INFINITY });
  return unionIntervals(down);
}

/** When the connection connected (effective times): what ends a declared `online: false`. */
function connects(events: readonly ConnectionEvent[]): number[] {
  return effective(events)
    .filter((e) => e.connected)
    .map((e) => e.ts);
}

/**
 * When the unit was declared offline: from a declared `online: false` to the first later
 * declared `online: true`, state transition (`stateTimes`) or connect (open: +Infinity).
 */
export function declaredDown(declared: readonly DeclaredPresence[], stateTimes: readonly number[], connectTimes: readonly number[]): Interval[] {
  const key = (d: DeclaredPresence) => `${d.msgId ?? ''}\u0000${d.online}`;
  const sorted = [...declared].sort((a, b) => a.ts - b.ts || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  // One per time (the highest key wins, as for state transitions).
  const byTime: DeclaredPresence[] = [];
  for (const d of sorted) {
    if (byTime.length > 0 && byTime[byTime.length - 1]!.ts === d.ts) byTime[byTime.length - 1] = d;
    else byTime.push(d);
  }
  const ends = [...stateTimes, ...connectTimes, ...byTime.filter((d) => d.online).map((d) => d.ts)].sort((a, b) => a - b);
  const down: Interval[] = [];
  for (const d of byTime) {
    if (d.online) continue;
    const end = ends.find((t) => t > d.ts) ?? Number.POSITIVE_INFINITY;
    down.push({ start: d.ts, end });
  }
  return unionIntervals(down);
}

/** Every interval in which presence says the unit was offline (sorted, disjoint; the last may be open: +Infinity). */
export function presenceDown(facts: PresenceFacts | undefined, stateTimes: readonly number[] = []): Interval[] {
  const connection = facts?.connection ?? [];
  return unionIntervals([...connectionDown(connection), ...declaredDown(facts?.declared ?? [], stateTimes, connects(connection))]);
}

/**
 * Whether a unit is online at `at`, from its presence facts, as the timeline would say it: its
 * connection up (or never reported by a broker), not declared offline, and, only for a unit
 * with a heartbeat (`silenceLimitMs`), heard of within that limit. For the live view.
 */
export function onlineAt(input: {
  presence?: PresenceFacts | undefined;
  at: number;
  /** Times of the unit's state transitions around `at` (a state ends a declared offline). */
  stateTimes?: readonly number[] | undefined;
  /** When the unit was last heard of (any sample), epoch ms; 0 or absent: never. */
  lastSeen?: number | undefined;
  /** Only for units that declare a heartbeat: `offlineAfterSeconds ?? 3 heartbeats`, in ms. */
  silenceLimitMs?: number | undefined;
}): boolean {
  const { at } = input;
  if (presenceDown(input.presence, input.stateTimes ?? []).some((i) => i.start <= at && at < i.end)) return false;
  if (input.silenceLimitMs === undefined) return true;
  return (input.lastSeen ?? 0) > 0 && at - (input.lastSeen ?? 0) <= input.silenceLimitMs;
}

/** The silence after which a unit with a declared heartbeat is offline; undefined (never) without one. */
export function silenceLimitMs(unit: { heartbeatSeconds?: number | undefined; offlineAfterSeconds?: number | undefined }): number | undefined {
  if (!unit.heartbeatSeconds) return undefined;
  return (unit.offlineAfterSeconds ?? 3 * unit.heartbeatSeconds) * 1000;
}

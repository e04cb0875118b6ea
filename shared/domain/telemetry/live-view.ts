/**
 * The plant's live view (issue 13): one entry per work unit saying what it does now, kept by
 * the writers that change it (state ingest, presence, operation commands, downtime reasons, the
 * OEE refresh job) so that the plant overview reads it in one Query whatever the number of
 * units. The pure rules of how each change moves an entry live here; the port below is what
 * shared/db/live-view-repository.ts implements. The entry's `unit` is the wire's UnitLiveState.
 */
import type { EquipmentState, ReportedState } from './states.ts';

/** A unit's live state: the wire's UnitLiveState (shared/api/schemas.ts), which checks it matches. */
export interface UnitLiveState {
  equipmentId: string;
  state: EquipmentState;
  since: string | null;
  reasonCode?: string | undefined;
  stopReason?: { stopStart: string; reasonCode: string; reasonName?: string | undefined; comment?: string | undefined } | undefined;
  lastSeen: string | null;
  current: { workOrderId: string; seq: number; status: string; materialId: string; operator?: string | undefined; since: string } | null;
  oeeToday?:
    | {
        asOf: string;
        availability: number | null;
        performance: number | null;
        quality: number | null;
        oee: number | null;
        goodCount: number;
        rejectCount: number;
      }
    | undefined;
}

type Current = UnitLiveState['current'];
type StopReason = NonNullable<UnitLiveState['stopReason']>;
type OeeToday = NonNullable<UnitLiveState['oeeToday']>;

/** One unit's entry, with the bookkeeping that keeps late and repeated changes from moving it backwards. */
export interface LiveEntry {
  equipmentId: string;
  unit: UnitLiveState;
  /** When the entry last changed (epoch ms). */
  at: number;
  /** Bumped by every write: the condition of the next one. 0 = not stored yet. */
  version: number;
  /** The latest state message the entry reflects: its time, state and reason, and since when that state holds. */
  reported?: { ts: number; state: ReportedState; reasonCode?: string | undefined; since: number } | undefined;
  /** The latest presence event applied (a unit or its gateway connected or not). */
  presence?: { online: boolean; at: number } | undefined;
}

export interface PresenceEvent {
  equipmentId: string;
  online: boolean;
  /** When the link went down or came back (epoch ms). */
  at: number;
}

export interface LiveStateMessage {
  equipmentId: string;
  ts: number;
  state: ReportedState;
  reasonCode?: string | undefined;
}

export interface LiveViewRepository {
  /** Every entry of the tenant: one Query of its live partition (1 MB holds thousands). */
  entries(tenantId: string): Promise<LiveEntry[]>;
  /** The entries of these units that exist (strongly consistent: a conditional write follows). */
  get(tenantId: string, equipmentIds: readonly string[]): Promise<LiveEntry[]>;
  /** Writes the entry if it is still at `version` (0: does not exist yet); false when another writer came first. */
  put(tenantId: string, entry: LiveEntry): Promise<boolean>;
  /** Notes that the tenant has live data on this UTC day (`YYYY-MM-DD`), for the refresh job. */
  registerTenant(tenantId: string, day: string): Promise<void>;
  /** Tenants registered on these UTC days. */
  tenants(days: readonly string[]): Promise<string[]>;
}

const iso = (ts: number) => new Date(ts).toISOString();

/** A unit the view knows nothing of yet: as the plant overview showed a unit without data. */
export function emptyEntry(equipmentId: string): LiveEntry {
  return { equipmentId, unit: { equipmentId, state: 'offline', since: null, lastSeen: null, current: null }, at: 0, version: 0 };
}

/** Whether the latest presence event says the link is down and no state message came after it. */
const linkDown = (entry: Pick<LiveEntry, 'reported' | 'presence'>) =>
  entry.presence !== undefined && !entry.presence.online && (!entry.reported || entry.presence.at >= entry.reported.ts);

/** Offline while the link is down; else the state last reported, since when it holds. */
function shown(entry: LiveEntry): { state: UnitLiveState['state']; since: string | null; reasonCode?: string } {
  const { reported, presence } = entry;
  if (presence && linkDown(entry)) return { state: 'offline', since: iso(presence.at) };
  if (!reported) return { state: 'offline', since: entry.unit.state === 'offline' ? entry.unit.since : null };
  return { state: reported.state, since: iso(reported.since), ...(reported.reasonCode ? { reasonCode: reported.reasonCode } : {}) };
}

/** The entry with its shown state recomputed; a stop reason stays only while the stop it was given for goes on. */
function settle(entry: LiveEntry): LiveEntry {
  const { reasonCode: _r, stopReason, ...rest } = entry.unit;
  const view = shown(entry);
  const keep = stopReason && view.since === stopReason.stopStart && ['down', 'setup', 'offline'].includes(view.state);
  const lastSeen = Math.max(entry.reported?.ts ?? 0, entry.unit.lastSeen ? Date.parse(entry.unit.lastSeen) : 0);
  return {
    ...entry,
    unit: { ...rest, ...view, ...(keep ? { stopReason } : {}), lastSeen: lastSeen ? iso(lastSeen) : null },
  };
}

/**
 * State messages, in any order: only those newer than what the entry reflects count. A repeat
 * of the state and reason in force keeps its `since` (a heartbeat does not start it again).
 */
export function applyStates(entry: LiveEntry, messages: readonly LiveStateMessage[]): LiveEntry {
  let reported = entry.reported;
  for (const m of [...messages].sort((a, b) => a.ts - b.ts)) {
    if (reported && m.ts <= reported.ts) continue;
    // After the link was down, a state starts again even when it is the one reported before.
    const wasDown = linkDown({ reported, presence: entry.presence });
    const same = !wasDown && reported && reported.state === m.state && (reported.reasonCode ?? undefined) === (m.reasonCode ?? undefined);
    reported = { ts: m.ts, state: m.state, ...(m.reasonCode ? { reasonCode: m.reasonCode } : {}), since: same && reported ? reported.since : m.ts };
  }
  return reported === entry.reported ? entry : settle({ ...entry, reported });
}

/** A presence event: offline now, or back to the last reported state. Older than the one applied: ignored. */
export function applyPresence(entry: LiveEntry, event: PresenceEvent): LiveEntry {
  if (entry.presence && event.at < entry.presence.at) return entry;
  // Back in the state last reported, which holds again from when the link came back.
  const reported =
    event.online && entry.reported && linkDown(entry) ? { ...entry.reported, since: Math.max(entry.reported.since, event.at) } : entry.reported;
  return settle({ ...entry, reported, presence: { online: event.online, at: event.at } });
}

/** What runs at the unit now (from its work center's operation contexts). */
export function applyCurrent(entry: LiveEntry, current: Current): LiveEntry {
  return settle({ ...entry, unit: { ...entry.unit, current } });
}

/** A person's reason for a stop: shown when it is for the stop the unit is in now. */
export function applyStopReason(entry: LiveEntry, stopReason: StopReason): LiveEntry {
  if (entry.unit.since !== stopReason.stopStart || !['down', 'setup', 'offline'].includes(entry.unit.state)) return entry;
  return { ...entry, unit: { ...entry.unit, stopReason } };
}

/** OEE so far today and when the unit was last heard of (the refresh job: counts do not write the view). */
export function applyToday(entry: LiveEntry, today: { oeeToday: OeeToday; lastSeen: string | null }): LiveEntry {
  const lastSeen = Math.max(today.lastSeen ? Date.parse(today.lastSeen) : 0, entry.unit.lastSeen ? Date.parse(entry.unit.lastSeen) : 0);
  return { ...entry, unit: { ...entry.unit, oeeToday: today.oeeToday, lastSeen: lastSeen ? iso(lastSeen) : null } };
}

/** Whether two entries show the same thing (OEE compared without its `asOf`). */
export function sameUnit(a: UnitLiveState, b: UnitLiveState): boolean {
  const strip = (u: UnitLiveState) => canonical({ ...u, oeeToday: u.oeeToday ? { ...u.oeeToday, asOf: undefined } : undefined });
  return strip(a) === strip(b);
}

/**
 * Whether a change leaves the entry as it was (then nothing is written, nothing pushed); with
 * `ignoreAsOf`, OEE figures recomputed to the same values are no change either.
 */
export function sameEntry(a: LiveEntry, b: LiveEntry, options: { ignoreAsOf?: boolean } = {}): boolean {
  return (
    sameUnit(a.unit, b.unit) &&
    (options.ignoreAsOf || a.unit.oeeToday?.asOf === b.unit.oeeToday?.asOf) &&
    canonical([a.reported, a.presence]) === canonical([b.reported, b.presence])
  );
}

/** No state message and no presence event yet: what it shows may be rebuilt from the records. */
export const hasNoData = (entry: LiveEntry) => !entry.reported && !entry.presence;

/** JSON with keys in order and undefined left out: stored maps come back in any key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * What the downtime and OEE screens read about the plant: its units and lines (ISA-95 work
 * units and work centers), the tenant's downtime reason tree as readable paths, and the
 * downtime events of many units at once (requests in parallel, a few at a time).
 */
import type { DowntimeEvent, DowntimeReasons, Equipment } from '../../../shared/api/schemas.ts';
import { ApiError, api } from '../api.ts';

/** Runs `fn` over `items` with at most `limit` at a time; results in the order of `items`. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export interface Plant {
  byId: Map<string, Equipment>;
  /**
   * Work units: what sends telemetry and has downtime. Only a plant without any work units has
   * its work centers here instead (a work center with no units and no telemetry would otherwise
   * show as offline for ever).
   */
  units: Equipment[];
  /** Work centers (lines, cells). */
  lines: Equipment[];
  /** The units under a line, or the line itself when it has none. */
  unitsOf: (lineId: string) => Equipment[];
  name: (id: string) => string;
}

const byName = (a: Equipment, b: Equipment) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

export function toPlant(equipment: Equipment[]): Plant {
  const byId = new Map(equipment.map((e) => [e.id, e]));
  const lines = equipment.filter((e) => e.level === 'workCenter').sort(byName);
  const childUnits = (lineId: string) => equipment.filter((e) => e.level === 'workUnit' && e.parentId === lineId).sort(byName);
  const workUnits = equipment.filter((e) => e.level === 'workUnit').sort(byName);
  const units = workUnits.length ? workUnits : lines;
  return {
    byId,
    units,
    lines,
    unitsOf: (lineId) => {
      const under = childUnits(lineId);
      const line = byId.get(lineId);
      return under.length || !line ? under : [line];
    },
    name: (id) => byId.get(id)?.name ?? id,
  };
}

export const loadPlant = async () => toPlant(await api.allPages('listEquipment'));

// ---------- the reason tree ----------

export interface ReasonIndex {
  /** "Breakdowns › Jam needing repair"; the code itself when it is not in the tree. */
  path: (code: string) => string;
  /** The reasons a person picks from: the leaves, by path. */
  options: { value: string; label: string }[];
}

export function reasonIndex(tree: DowntimeReasons | undefined): ReasonIndex {
  const reasons = tree?.reasons ?? [];
  const byCode = new Map(reasons.map((r) => [r.code, r]));
  const path = (code: string): string => {
    const names: string[] = [];
    const seen = new Set<string>();
    for (let c: string | undefined = code; c !== undefined && !seen.has(c); c = byCode.get(c)?.parentCode) {
      seen.add(c); // a cycle must not hang the screen
      const r = byCode.get(c);
      if (!r) break;
      names.unshift(r.name);
    }
    return names.length ? names.join(' › ') : code;
  };
  const parents = new Set(reasons.map((r) => r.parentCode).filter((c) => c !== undefined));
  const options = reasons
    .filter((r) => !parents.has(r.code))
    .map((r) => ({ value: r.code, label: path(r.code) }))
    .sort((a, b) => a.label.localeCompare(b.label));
  return { path, options };
}

/** The tenant's reason tree; undefined when none is set up yet. */
export async function loadReasons(signal?: AbortSignal): Promise<DowntimeReasons | undefined> {
  try {
    return await api.call('getDowntimeReasons', { signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

// ---------- downtime events ----------

/** The event's identity: its unit and its start, as the API spells it. */
export const eventKey = (e: Pick<DowntimeEvent, 'equipmentId' | 'start'>) => `${e.equipmentId}-${e.start}`;

/** The whole stop, not only the part inside the range asked for; an open one runs to `now`. */
export const eventDurationMs = (e: DowntimeEvent, now: number) => (e.end ? Date.parse(e.end) : now) - Date.parse(e.start);

/** The reason in force: a person's, else the machine's, else none. */
export function eventReason(e: DowntimeEvent): { code: string; source: 'person' | 'machine' } | undefined {
  if (e.reasonCode) return { code: e.reasonCode, source: 'person' };
  if (e.machineReasonCode) return { code: e.machineReasonCode, source: 'machine' };
  return undefined;
}

export interface DowntimeList {
  events: DowntimeEvent[];
  /** Units whose events could not be read (the others still show). */
  failed: { equipmentId: string; error: Error }[];
}

/**
 * Downtime events of `units` overlapping [from, to) (to: now when absent). One unit failing
 * leaves the others; all failing (the connection is gone) throws, so the screen keeps its data.
 */
export async function loadDowntime(units: readonly Equipment[], from: Date, to?: Date, signal?: AbortSignal): Promise<DowntimeList> {
  const query = { from: from.toISOString(), ...(to ? { to: to.toISOString() } : {}) };
  const results = await mapBounded(units, 6, async (unit) => {
    try {
      return { unit, items: (await api.call('listDowntime', { params: { id: unit.id }, query, signal })).items };
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      return { unit, error: error as Error };
    }
  });
  const failed = results.flatMap((r) => (r.error ? [{ equipmentId: r.unit.id, error: r.error }] : []));
  if (units.length > 0 && failed.length === units.length) throw failed[0]!.error;
  return { events: results.flatMap((r) => r.items ?? []), failed };
}

/** Ongoing stops first, the longest running on top; then the others, the latest first. */
export function sortEvents(events: readonly DowntimeEvent[]): DowntimeEvent[] {
  const start = (e: DowntimeEvent) => Date.parse(e.start);
  const open = events.filter((e) => !e.end).sort((a, b) => start(a) - start(b));
  const closed = events.filter((e) => e.end).sort((a, b) => start(b) - start(a));
  return [...open, ...closed];
}

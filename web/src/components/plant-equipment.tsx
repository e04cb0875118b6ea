/**
 * The tenant's equipment hierarchy, loaded once per app and refreshed now and then: every screen
 * that names a work center or groups units by line reads it here instead of asking again.
 */
import type { Equipment } from '../../../shared/api/schemas.ts';
import { useMemo } from 'preact/hooks';
import { api } from '../api.ts';
import { useLive } from '../live.ts';

/** Master data changes rarely; a minute is fresh enough for names and grouping. */
const REFRESH_MS = 60_000;

let cached: { at: number; items: Equipment[] } | undefined;

export async function loadEquipment(): Promise<Equipment[]> {
  if (cached && Date.now() - cached.at < REFRESH_MS / 2) return cached.items;
  const items = await api.allPages('listEquipment');
  cached = { at: Date.now(), items };
  return items;
}

export interface EquipmentIndex {
  all: Equipment[];
  byId: Map<string, Equipment>;
  workCenters: Equipment[];
  workUnits: Equipment[];
}

const byName = (a: Equipment, b: Equipment) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

export function indexEquipment(all: Equipment[]): EquipmentIndex {
  return {
    all,
    byId: new Map(all.map((e) => [e.id, e])),
    workCenters: all.filter((e) => e.level === 'workCenter').sort(byName),
    workUnits: all.filter((e) => e.level === 'workUnit').sort(byName),
  };
}

/** The equipment of the tenant; `data` stays undefined until the first load. */
export function useEquipment() {
  const live = useLive(loadEquipment, [], { intervalMs: REFRESH_MS });
  const index = useMemo(() => (live.data ? indexEquipment(live.data) : undefined), [live.data]);
  return { ...live, index };
}

/** A work center's name, or its id while the names are loading or when it is unknown. */
export const equipmentName = (index: EquipmentIndex | undefined, id: string) => index?.byId.get(id)?.name ?? id;

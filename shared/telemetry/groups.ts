/**
 * Units of a tenant share aggregate items in a fixed number of groups: a write costs at least
 * 1 WRU per KB of the whole item, so a few units per item amortise that minimum
 * (docs/telemetry.md). Fixed, so readers find a unit's item without a lookup.
 */
export const TELEMETRY_GROUPS = 8;

/** FNV-1a: stable across runtimes and versions, unlike anything keyed on object order. */
export function groupOf(equipmentId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < equipmentId.length; i++) {
    hash ^= equipmentId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % TELEMETRY_GROUPS;
}

export const MINUTE_MS = 60_000;
export const minuteOf = (ts: number) => Math.floor(ts / MINUTE_MS) * MINUTE_MS;

/**
 * What every screen formats with: the plant's time zone (the shift calendar's `timeZone`; the
 * browser's when the plant has none) and the names of people, materials and equipment, read
 * once after sign-in (app.tsx `usePlantContext`). Kept here, apart from the API client, so the
 * formatters and the refusal texts (api-error.ts) can use them without a request of their own.
 */
import { useEffect, useState } from 'preact/hooks';

interface PlantContext {
  /** IANA zone, e.g. Europe/Amsterdam; undefined = the browser's. */
  timeZone: string | undefined;
  people: Map<string, string>;
  materials: Map<string, string>;
}

const plant: PlantContext = { timeZone: undefined, people: new Map(), materials: new Map() };
const listeners = new Set<() => void>();

/** Sets what is known so far (a part not given stays), and re-renders who shows it. */
export function setPlantContext(next: Partial<PlantContext>): void {
  if (next.timeZone !== undefined && next.timeZone !== plant.timeZone) formats.clear();
  Object.assign(plant, next);
  for (const l of listeners) l();
}

/** Re-renders the caller when the plant's zone or names arrive. */
export function usePlantContext(): PlantContext {
  const [, setTick] = useState(0);
  useEffect(() => {
    const rerender = () => setTick((t) => t + 1);
    listeners.add(rerender);
    return () => void listeners.delete(rerender);
  }, []);
  return plant;
}

export const plantTimeZone = () => plant.timeZone;

/** A person's name for a user id; the id itself when unknown (an ERP, a retired account, the MES). */
export const personName = (userId: string | undefined) => (userId ? (plant.people.get(userId) ?? userId) : '');

/** A material's name; the id when unknown. */
export const materialName = (materialId: string, copied?: string) => copied ?? plant.materials.get(materialId) ?? materialId;

// Made once per zone: each toLocale…String call with options builds a formatter, which costs a slow phone a few ms.
const formats = new Map<string, Intl.DateTimeFormat>();
function format(kind: 'time' | 'dateTime' | 'date'): Intl.DateTimeFormat {
  let f = formats.get(kind);
  if (!f) {
    const zone = plant.timeZone ? { timeZone: plant.timeZone } : {};
    const parts: Intl.DateTimeFormatOptions =
      kind === 'time'
        ? { hour: '2-digit', minute: '2-digit' }
        : kind === 'date'
          ? { month: 'short', day: 'numeric' }
          : { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };
    f = new Intl.DateTimeFormat(undefined, { ...parts, ...zone });
    formats.set(kind, f);
  }
  return f;
}

/** 14:02, in the plant's zone. */
export const fmtTime = (iso: string | null | undefined) => (iso ? format('time').format(new Date(iso)) : '–');
/** Dec 3, 14:02, in the plant's zone. */
export const fmtDateTime = (iso: string | null | undefined) => (iso ? format('dateTime').format(new Date(iso)) : '–');
/** Dec 3, in the plant's zone. */
export const fmtDate = (iso: string | null | undefined) => (iso ? format('date').format(new Date(iso)) : '–');

/** A status code in words: RUNNING → "Running", ON_HOLD → "On hold". */
export const statusWords = (status: string) => {
  const words = status.replace(/_/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

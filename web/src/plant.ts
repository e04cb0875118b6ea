/**
 * What every screen formats with: the plant's time zone (the shift calendar's `timeZone`; the
 * browser's when the plant has none) and the names of people, materials and equipment, read
 * once after sign-in (app.tsx `usePlantContext`). Kept here, apart from the API client, so the
 * formatters and the refusal texts (api-error.ts) can use them without a request of their own.
 */
import { useEffect, useState } from 'preact/hooks';
import { currentSession } from './auth.ts';

interface PlantContext {
  /** IANA zone, e.g. Europe/Amsterdam; undefined = the browser's. */
  timeZone: string | undefined;
  /** The plant's name (the site in the equipment hierarchy). */
  siteName: string | undefined;
  people: Map<string, string>;
  materials: Map<string, string>;
}

/** The zone and the plant's name, kept on the device per tenant: the next visit's first render already shows them. */
const SAVED_PLANT = 'mes.plant';
const saved = (): Partial<Pick<PlantContext, 'timeZone' | 'siteName'>> => {
  try {
    const { tenantId, timeZone, siteName } = JSON.parse(localStorage.getItem(SAVED_PLANT) ?? '{}') ?? {};
    return tenantId && tenantId === currentSession()?.tenantId ? { timeZone, siteName } : {};
  } catch {
    return {};
  }
};

const plant: PlantContext = {
  timeZone: undefined,
  siteName: undefined,
  ...(typeof localStorage === 'undefined' ? {} : saved()),
  people: new Map(),
  materials: new Map(),
};
const listeners = new Set<() => void>();

/** Sets what is known so far (a part not given stays), and re-renders who shows it. */
export function setPlantContext(next: Partial<PlantContext>): void {
  if (next.timeZone !== undefined && next.timeZone !== plant.timeZone) formats.clear();
  Object.assign(plant, next);
  try {
    const tenantId = currentSession()?.tenantId;
    localStorage.setItem(SAVED_PLANT, JSON.stringify({ tenantId, timeZone: plant.timeZone, siteName: plant.siteName }));
  } catch {
    // Private mode: the next visit reads them again.
  }
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
type Kind = 'time' | 'dateTime' | 'date';
const PARTS: Record<Kind, Intl.DateTimeFormatOptions> = {
  time: { hour: '2-digit', minute: '2-digit' },
  date: { month: 'short', day: 'numeric' },
  dateTime: { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' },
};
const formats = new Map<string, Intl.DateTimeFormat>();
function format(kind: Kind, withYear = false): Intl.DateTimeFormat {
  const key = `${kind}${withYear ? '+year' : ''}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, {
      ...PARTS[kind],
      ...(withYear ? { year: 'numeric' } : {}),
      ...(plant.timeZone ? { timeZone: plant.timeZone } : {}),
    });
    formats.set(key, f);
  }
  return f;
}
/** A date far from today says its year (an order overdue since last year must not read as this year's). */
const farOff = (date: Date) => Math.abs(date.getTime() - Date.now()) > 180 * 86_400_000;

/** 14:02, in the plant's zone. */
export const fmtTime = (iso: string | null | undefined) => (iso ? format('time').format(new Date(iso)) : '–');
/** Dec 3, 14:02 (Dec 3, 2025, 14:02 when far from today), in the plant's zone. */
export const fmtDateTime = (iso: string | null | undefined) => {
  if (!iso) return '–';
  const date = new Date(iso);
  return format('dateTime', farOff(date)).format(date);
};
/** Dec 3, in the plant's zone. */
export const fmtDate = (iso: string | null | undefined) => {
  if (!iso) return '–';
  const date = new Date(iso);
  return format('date', farOff(date)).format(date);
};

/** A status code in words: RUNNING → "Running", ON_HOLD → "On hold". */
export const statusWords = (status: string) => {
  const words = status.replace(/_/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/**
 * Plant time for the OEE screen: days, hours and shifts in the shift calendar's time zone (the
 * plant's, not the phone's), with the shared calendar arithmetic of shared/domain/telemetry.
 */
import type { ShiftCalendar } from '../../../shared/api/schemas.ts';
import { localToUtc, shiftOccurrences, zoneOffsetMs } from '../../../shared/domain/telemetry/shifts.ts';
import { ApiError, api } from '../api.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** The plant's shift calendar; undefined when none is set up (then the phone's time zone is used). */
export async function loadCalendar(signal?: AbortSignal): Promise<ShiftCalendar | undefined> {
  try {
    return await api.call('getShiftCalendar', { signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** The local midnight (epoch ms) of the plant-local day `daysBack` days before the one containing `ts`. */
export function localMidnight(timeZone: string, ts: number, daysBack = 0): number {
  const wall = ts + zoneOffsetMs(timeZone, ts);
  return localToUtc(timeZone, Math.floor(wall / DAY_MS) * DAY_MS - daysBack * DAY_MS);
}

/** 'YYYY-MM-DD' of the plant-local day containing `ts`. */
export const localDateOf = (timeZone: string, ts: number) => new Date(ts + zoneOffsetMs(timeZone, ts)).toISOString().slice(0, 10);

export interface Bucket {
  from: number;
  to: number;
  /** Short, for an axis: "Mon 23" or "14:00". */
  label: string;
  /** Long, for the table: "Monday 23 November" or "14:00–15:00". */
  title: string;
}

const fmt = (timeZone: string, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(undefined, { timeZone, ...options });

/** The last `days` plant-local days, today (so far) last. */
export function dayBuckets(timeZone: string, now: number, days = 7): Bucket[] {
  const short = fmt(timeZone, { weekday: 'short', day: 'numeric' });
  const long = fmt(timeZone, { weekday: 'long', day: 'numeric', month: 'long' });
  return Array.from({ length: days }, (_, i) => {
    const from = localMidnight(timeZone, now, days - 1 - i);
    const to = Math.min(now, localMidnight(timeZone, from + DAY_MS + HOUR_MS * 3));
    return { from, to, label: short.format(from), title: `${long.format(from)}${to === now ? ' (so far)' : ''}` };
  });
}

/** Today's plant-local hours up to now, the current one so far. */
export function hourBuckets(timeZone: string, now: number): Bucket[] {
  const time = fmt(timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const buckets: Bucket[] = [];
  // Whole hours of UTC are whole local hours in every zone that matters to a plant (a few have
  // half-hour offsets: their buckets then start at :30, still an hour long).
  for (let from = localMidnight(timeZone, now); from < now; from += HOUR_MS) {
    const to = Math.min(now, from + HOUR_MS);
    buckets.push({ from, to, label: time.format(from), title: `${time.format(from)}–${to === now ? 'now' : time.format(to)}` });
  }
  return buckets;
}

export interface ShiftChoice {
  /** `name|date`, the select's value. */
  value: string;
  name: string;
  date: string;
  label: string;
  current: boolean;
}

/** Today's shifts that have begun, and the one still running from yesterday (a night shift). */
export function todaysShifts(calendar: ShiftCalendar | undefined, now: number): ShiftChoice[] {
  if (!calendar) return [];
  const tz = calendar.timeZone;
  const time = fmt(tz, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const today = localDateOf(tz, now);
  return shiftOccurrences({ timeZone: tz, shifts: calendar.shifts }, localMidnight(tz, now), now + 1)
    .filter((o) => o.start <= now)
    .map((o) => {
      const current = o.end > now;
      return {
        value: `${o.name}|${o.date}`,
        name: o.name,
        date: o.date,
        current,
        label: `${o.name} ${time.format(o.start)}–${time.format(o.end)}${o.date !== today ? ' (from yesterday)' : ''}${current ? ' · now' : ''}`,
      };
    });
}

/** "Wed 25 Nov, 06:00–14:00" for a range the API answered with. */
export function fmtRange(timeZone: string, fromIso: string, toIso: string): string {
  const day = fmt(timeZone, { weekday: 'short', day: 'numeric', month: 'short' });
  const time = fmt(timeZone, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const from = Date.parse(fromIso);
  const to = Date.parse(toIso);
  const sameDay = localDateOf(timeZone, from) === localDateOf(timeZone, to - 1);
  return sameDay
    ? `${day.format(from)}, ${time.format(from)}–${time.format(to)}`
    : `${day.format(from)} ${time.format(from)} – ${day.format(to)} ${time.format(to)}`;
}

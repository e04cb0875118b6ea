/**
 * A tenant's (or site's) shift calendar and the planned production time it defines:
 * shift time minus breaks minus planned stops (MES.md).
 *
 * Shifts are wall-clock times in the calendar's IANA time zone, so a night shift on the night
 * clocks change lasts 7 or 9 hours, as it really does. Local times are converted with Intl (no
 * dependency); a wall time that does not exist (skipped by the spring change) moves forward by
 * the gap, and an ambiguous one (repeated in autumn) takes the earlier instant, as Temporal's
 * "compatible" disambiguation does.
 */
import type { FieldError } from '../errors.ts';
import { type Interval, subtractIntervals, unionIntervals } from './intervals.ts';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const isWeekday = (value: unknown): value is Weekday => typeof value === 'string' && (WEEKDAYS as readonly string[]).includes(value);

export interface BreakDefinition {
  name?: string | undefined;
  /** 'HH:MM', the first such time at or after the shift's start. */
  start: string;
  /** 'HH:MM', the first such time after the break's start. */
  end: string;
}

export interface ShiftDefinition {
  name: string;
  /** 'HH:MM' local time. */
  start: string;
  /** 'HH:MM' local time; at or before `start` means the next day (equal: a 24-hour shift); '24:00' is midnight. */
  end: string;
  /** Days on which the shift starts (a night shift belongs to the day it starts). */
  days: readonly Weekday[];
  breaks?: readonly BreakDefinition[] | undefined;
}

/** Planned maintenance and other planned stops: absolute, epoch ms. */
export interface PlannedStop extends Interval {
  reason?: string | undefined;
  /** Only these units stop; absent: the whole plant. */
  equipmentIds?: readonly string[] | undefined;
}

export interface ShiftCalendar {
  /** IANA name, e.g. 'Europe/Berlin'. */
  timeZone: string;
  shifts: readonly ShiftDefinition[];
  plannedStops?: readonly PlannedStop[] | undefined;
}

/** One shift on one day. */
export interface ShiftOccurrence extends Interval {
  name: string;
  /** The local date the shift starts on, 'YYYY-MM-DD'. */
  date: string;
  breaks: Interval[];
}

export interface PlannedInterval extends Interval {
  shift: string;
  date: string;
}

export interface PlannedProductionTime {
  plannedTimeMs: number;
  /** Sorted and disjoint; where shifts overlap, the time belongs to the one that started first. */
  intervals: PlannedInterval[];
}

const DAY_MS = 86_400_000;
const HHMM = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

/** Minutes after midnight, or undefined when not 'HH:MM' (00:00 to 23:59, or 24:00). */
export function parseTimeOfDay(value: string): number | undefined {
  const m = HHMM.exec(value);
  if (!m) return undefined;
  return m[1] === undefined ? 1440 : Number(m[1]) * 60 + Number(m[2]);
}

function minutesOf(value: string): number {
  const minutes = parseTimeOfDay(value);
  if (minutes === undefined) throw new RangeError(`'${value}' is not a time of day (HH:MM)`);
  return minutes;
}

// --- time zones ---------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local wall clock at `ts`, read as if it were UTC (so plain arithmetic works on it). */
function wallClock(timeZone: string, ts: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(ts)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** Local time minus UTC at `ts`, in ms (whole seconds; no zone has had sub-second offsets since 1972). */
export function zoneOffsetMs(timeZone: string, ts: number): number {
  const whole = Math.floor(ts / 1000) * 1000;
  return wallClock(timeZone, whole) - whole;
}

/** The instant a local wall time (given as if UTC) happens; see the header for gaps and overlaps. */
export function localToUtc(timeZone: string, wall: number): number {
  // Real zones change offset at most once within a day, so the offsets a day before and after
  // are the only candidates.
  const before = zoneOffsetMs(timeZone, wall - DAY_MS);
  const after = zoneOffsetMs(timeZone, wall + DAY_MS);
  const candidates = [wall - before, wall - after].filter((t) => t + zoneOffsetMs(timeZone, t) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  // Skipped wall time: with the offset before the change it lands as far past the change as it was meant to be.
  return wall - before;
}

// --- occurrences --------------------------------------------------------------------------

/** A local calendar date as UTC midnight of the same Y-M-D. */
const localDate = (timeZone: string, ts: number) => Math.floor(wallClock(timeZone, ts) / DAY_MS) * DAY_MS;
const weekdayOf = (date: number) => WEEKDAYS[(new Date(date).getUTCDay() + 6) % 7]!;
const isoDate = (date: number) => new Date(date).toISOString().slice(0, 10);

/** A shift's start and end in minutes after midnight of the day it starts (end up to 2880). */
function shiftSpan(shift: ShiftDefinition): { start: number; end: number } {
  const start = minutesOf(shift.start);
  const end = minutesOf(shift.end);
  return { start, end: end <= start ? end + 1440 : end };
}

/** A break in minutes after midnight of the shift's day, or undefined when its times are malformed. */
function breakSpan(shift: ShiftDefinition, b: BreakDefinition): { start: number; end: number; shiftEnd: number } | undefined {
  const bs0 = parseTimeOfDay(b.start);
  const be0 = parseTimeOfDay(b.end);
  if (bs0 === undefined || be0 === undefined || parseTimeOfDay(shift.start) === undefined || parseTimeOfDay(shift.end) === undefined)
    return undefined;
  const s = shiftSpan(shift);
  const start = bs0 % 1440 < s.start ? (bs0 % 1440) + 1440 : bs0 % 1440;
  let end = be0;
  while (end <= start) end += 1440;
  return { start, end, shiftEnd: s.end };
}

function occurrence(calendar: ShiftCalendar, shift: ShiftDefinition, date: number): ShiftOccurrence {
  const tz = calendar.timeZone;
  const span = shiftSpan(shift);
  const at = (minutes: number) => localToUtc(tz, date + minutes * 60_000);
  const start = at(span.start);
  const end = at(span.end);
  const breaks: Interval[] = [];
  for (const b of shift.breaks ?? []) {
    const bs = breakSpan(shift, b);
    if (!bs) throw new RangeError(`break '${b.start}'-'${b.end}' of shift '${shift.name}' is not HH:MM`);
    // Clipped: a break reaching past its shift ends with it (calendarProblems reports it).
    const interval = { start: Math.max(start, at(bs.start)), end: Math.min(end, at(bs.end)) };
    if (interval.end > interval.start) breaks.push(interval);
  }
  return { name: shift.name, date: isoDate(date), start, end, breaks: unionIntervals(breaks) };
}

/** Shift occurrences overlapping `[from, to)`, whole (not clipped), by start time. */
export function shiftOccurrences(calendar: ShiftCalendar, from: number, to: number): ShiftOccurrence[] {
  if (!(to > from)) return [];
  const out: ShiftOccurrence[] = [];
  // A shift lasts at most a day, so one that overlaps the window started on the day before at the earliest.
  const last = localDate(calendar.timeZone, to);
  for (let date = localDate(calendar.timeZone, from) - DAY_MS; date <= last; date += DAY_MS) {
    const day = weekdayOf(date);
    for (const shift of calendar.shifts) {
      if (!shift.days.includes(day)) continue;
      const o = occurrence(calendar, shift, date);
      if (o.end > from && o.start < to) out.push(o);
    }
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Planned production time in `[from, to)`: shift time minus breaks minus planned stops, each
 * instant counted once even where shifts overlap. Give `equipmentId` for one unit's time, so
 * stops planned for that unit count.
 */
export function plannedProductionTime(
  calendar: ShiftCalendar,
  from: number,
  to: number,
  options: { equipmentId?: string | undefined } = {},
): PlannedProductionTime {
  // A stop for named units applies only when asking for one of them.
  const stops = (calendar.plannedStops ?? []).filter(
    (p) => !p.equipmentIds || (options.equipmentId !== undefined && p.equipmentIds.includes(options.equipmentId)),
  );
  let taken: Interval[] = [];
  const intervals: PlannedInterval[] = [];
  for (const o of shiftOccurrences(calendar, from, to)) {
    const window = [{ start: Math.max(o.start, from), end: Math.min(o.end, to) }];
    const free = subtractIntervals(subtractIntervals(subtractIntervals(window, o.breaks), stops), taken);
    for (const i of free) intervals.push({ ...i, shift: o.name, date: o.date });
    taken = unionIntervals([...taken, ...free]);
  }
  intervals.sort((a, b) => a.start - b.start);
  return { plannedTimeMs: intervals.reduce((sum, i) => sum + (i.end - i.start), 0), intervals };
}

/** The shift running at `ts` (during its breaks too), or undefined; overlapping shifts: the one that started first. */
export function shiftAt(calendar: ShiftCalendar, ts: number): ShiftOccurrence | undefined {
  return shiftOccurrences(calendar, ts, ts + 1).find((o) => o.start <= ts && ts < o.end);
}

/** What is wrong with a calendar, as field errors for a ValidationError; empty when it is usable. */
export function calendarProblems(calendar: ShiftCalendar): FieldError[] {
  const problems: FieldError[] = [];
  try {
    formatter(calendar.timeZone);
  } catch {
    problems.push({ pointer: '/timeZone', detail: `'${calendar.timeZone}' is not an IANA time zone` });
  }
  const names = new Set<string>();
  calendar.shifts.forEach((s, i) => {
    const at = `/shifts/${i}`;
    if (!s.name) problems.push({ pointer: `${at}/name`, detail: 'a shift needs a name' });
    else if (names.has(s.name)) problems.push({ pointer: `${at}/name`, detail: `shift name '${s.name}' is used twice` });
    names.add(s.name);
    for (const field of ['start', 'end'] as const) {
      if (parseTimeOfDay(s[field]) === undefined) problems.push({ pointer: `${at}/${field}`, detail: 'expected HH:MM' });
    }
    if (s.start === '24:00') problems.push({ pointer: `${at}/start`, detail: 'a shift starts at 00:00, not 24:00' });
    if (s.days.length === 0) problems.push({ pointer: `${at}/days`, detail: 'a shift needs at least one day' });
    s.days.forEach((d, j) => {
      if (!isWeekday(d)) problems.push({ pointer: `${at}/days/${j}`, detail: `expected one of ${WEEKDAYS.join(', ')}` });
    });
    (s.breaks ?? []).forEach((b, j) => {
      for (const field of ['start', 'end'] as const) {
        if (parseTimeOfDay(b[field]) === undefined) problems.push({ pointer: `${at}/breaks/${j}/${field}`, detail: 'expected HH:MM' });
      }
      const span = breakSpan(s, b);
      if (span && span.end > span.shiftEnd) problems.push({ pointer: `${at}/breaks/${j}`, detail: 'the break must lie within its shift' });
    });
  });
  (calendar.plannedStops ?? []).forEach((p, i) => {
    if (!(p.end > p.start)) problems.push({ pointer: `/plannedStops/${i}`, detail: 'end must be after start' });
  });
  return problems;
}

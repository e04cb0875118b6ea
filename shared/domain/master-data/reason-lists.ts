/**
 * The plant's reason lists: why parts were scrapped, why an operation paused, why an order is on
 * hold, what defect a nonconformance found (issue 15). One list each, stored as master data (kind `reason-list`, id the list's name), versioned
 * and audited like the rest. A reason is retired (`active: false`), never removed: old records
 * keep naming its code and the app still shows its name. A plant that never saved a list works
 * with its default (below) until a planner replaces it.
 */
import { ReasonRemovedError, UnknownReferenceError } from '../errors.ts';
import type { Reason, ReasonListInput, ReasonListRecord } from './model.ts';

export const REASON_LISTS = ['scrap', 'pause', 'hold', 'defect', 'indirect'] as const;
export type ReasonListName = (typeof REASON_LISTS)[number];
export const isReasonListName = (value: unknown): value is ReasonListName =>
  typeof value === 'string' && (REASON_LISTS as readonly string[]).includes(value);

/** A list as the API shows it: the stored one, or the default (version 0, never saved). */
export interface ReasonList extends ReasonListInput {
  list: ReasonListName;
  /** 0 until the plant saves its own list: PUT with If-Match "0" replaces the default. */
  version: number;
  updatedAt?: string | undefined;
  updatedBy?: string | undefined;
  /** True while the plant has not saved this list. */
  isDefault: boolean;
}

const reason = (code: string, name: string): Reason => ({ code, name, active: true });

/** What a plant starts with: common causes a planner renames, extends or retires. */
export const DEFAULT_REASON_LISTS: Record<ReasonListName, ReasonListInput> = {
  scrap: {
    reasons: [
      reason('DIM', 'Dimension out of tolerance'),
      reason('SURF', 'Surface defect'),
      reason('MAT', 'Material defect'),
      reason('SETUP', 'Setup scrap'),
      reason('HANDLING', 'Handling damage'),
    ],
  },
  pause: {
    reasons: [
      reason('BREAK', 'Break'),
      reason('NO-MATERIAL', 'Waiting for material'),
      reason('MACHINE', 'Machine problem'),
      reason('QUALITY-CHECK', 'Quality check'),
      reason('CHANGEOVER', 'Changeover'),
    ],
  },
  hold: {
    reasons: [
      reason('MATERIAL-SHORTAGE', 'Material shortage'),
      reason('MACHINE-DOWN', 'Machine down'),
      reason('QUALITY-SUSPECT', 'Quality suspect'),
      reason('AWAITING-INSTRUCTIONS', 'Awaiting instructions'),
    ],
  },
  defect: {
    reasons: [
      reason('DIM', 'Dimension out of tolerance'),
      reason('SURFACE', 'Surface damage'),
      reason('LEAK', 'Leak'),
      reason('WRONG-PART', 'Wrong part'),
      reason('CONTAMINATION', 'Contamination'),
      reason('MISSING-COMPONENT', 'Missing component'),
      reason('OTHER', 'Other'),
    ],
  },
  // Issue 18 (docs/labor.md): what a person does when not on an operation (indirect and idle time).
  indirect: {
    reasons: [
      reason('CLEANING', 'Cleaning'),
      reason('TRAINING', 'Training'),
      reason('WAITING-MATERIAL', 'Waiting for material'),
      reason('MEETING', 'Meeting'),
      reason('MAINTENANCE-HELP', 'Helping maintenance'),
      reason('IDLE', 'No work'),
    ],
  },
};

const NOUN: Record<ReasonListName, string> = {
  scrap: 'scrap reason',
  pause: 'pause reason',
  hold: 'hold reason',
  defect: 'defect',
  indirect: 'indirect activity',
};

/** The plant's list: what it saved, else the default. */
export function reasonListOf(list: ReasonListName, stored: ReasonListRecord | undefined): ReasonList {
  if (!stored) return { list, reasons: DEFAULT_REASON_LISTS[list].reasons, version: 0, isDefault: true };
  const { reasons, version, updatedAt, updatedBy } = stored;
  return { list, reasons, version, updatedAt, updatedBy, isDefault: false };
}

/** The codes a new record may name: the active ones. */
export const activeCodes = (list: ReasonListInput) => list.reasons.filter((r) => r.active).map((r) => r.code);

/**
 * Refuses a code that is not an active reason of the list, at `pointer`, naming the list and
 * what it does take (e.g. "XYZ is not on the plant's scrap reason list (known: DIM, SURF, ...)").
 */
export function assertActiveReason(list: ReasonList, code: string, pointer: string): void {
  const found = list.reasons.find((r) => r.code === code);
  if (found?.active) return;
  const known = activeCodes(list).join(', ') || 'none: a planner must add reasons first';
  const detail = found
    ? `${code} (${found.name}) is retired from the plant's ${NOUN[list.list]} list: choose an active reason (active: ${known})`
    : `${code} is not on the plant's ${NOUN[list.list]} list (known: ${known})`;
  throw new UnknownReferenceError([{ pointer, detail }]);
}

/**
 * A new version of a list keeps every code of the one before (stored or default): records name
 * those codes, so a reason is retired with `active: false`, never removed.
 */
export function assertKeepsEveryReason(before: ReasonListInput, next: ReasonListInput): void {
  const kept = new Set(next.reasons.map((r) => r.code));
  const errors = before.reasons
    .filter((r) => !kept.has(r.code))
    .map((r) => ({
      pointer: '/body/reasons',
      detail: `${r.code} (${r.name}) is on the list already and records may name it: keep it, with active: false to retire it`,
    }));
  if (errors.length) throw new ReasonRemovedError(errors);
}

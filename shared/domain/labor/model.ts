/**
 * Labor (issue 18; docs/labor.md): people clocked on operations (setup, run, rework) and on
 * indirect activities (cleaning, training, waiting, meetings) with a reason. Entries are stored
 * raw; the fair split (split.ts) is computed when read.
 */
export const LABOR_KINDS = ['setup', 'run', 'rework'] as const;
export type LaborKind = (typeof LABOR_KINDS)[number];

import type { MissingQualification } from '../qualifications/gate.ts';

export const LABOR_EVENT_TYPES = ['labor.clocked-on', 'labor.clocked-off'] as const;
export type LaborEventType = (typeof LABOR_EVENT_TYPES)[number];
export const isLaborEventType = (type: string): type is LaborEventType => (LABOR_EVENT_TYPES as readonly string[]).includes(type);

/** DynamoDB's limit of one TransactWriteItems. */
export const MAX_TRANSACTION_ITEMS = 100;
/** Most people one clock-on or clock-off moves at once: up to 5 items each (an override's event) in one transaction. */
export const MAX_CREW = 20;
/** Most people one indirect clock-on moves: 6 items each (their new entry, the one it switches from, two events). */
export const MAX_INDIRECT_CREW = 16;

/** The items a person's write puts: head, entries opened and closed, audit record, events (shared/db/labor-repository.ts). */
export const itemCountOf = (w: Pick<LaborWrite, 'opened' | 'closed' | 'events'>) => 2 + w.opened.length + w.closed.length + w.events.length;

/** Writes grouped into transactions of at most `max` items (each person's write whole, in one). */
export function transactionsOf<W extends Pick<LaborWrite, 'opened' | 'closed' | 'events'>>(writes: readonly W[], max = MAX_TRANSACTION_ITEMS): W[][] {
  const groups: W[][] = [];
  let items = max;
  for (const w of writes) {
    const n = itemCountOf(w);
    if (items + n > max) {
      groups.push([]);
      items = 0;
    }
    groups[groups.length - 1]?.push(w);
    items += n;
  }
  return groups;
}

/** One stretch of a person's time: on an operation (`workOrderId`, `seq`, `kind`) or indirect (`reasonCode`). */
export interface LaborEntry {
  entryId: string;
  personnelId: string;
  personName: string;
  workOrderId?: string | undefined;
  seq?: number | undefined;
  /** The operation's and the order's material's names, copied when clocked on (reads need no order). */
  operationName?: string | undefined;
  materialName?: string | undefined;
  kind?: LaborKind | undefined;
  /** An indirect entry's reason, from the plant's `indirect` reason list. */
  reasonCode?: string | undefined;
  reasonName?: string | undefined;
  startedAt: string;
  startedBy: string;
  /** Written once, when clocked off; open while absent. */
  endedAt?: string | undefined;
  endedBy?: string | undefined;
  /** Why it ended when not by the person's own clock-off: `operation-completed`, `order-cancelled`, `switched`. */
  endReason?: string | undefined;
  /** An accepted qualification override (i18-qual): who let the work go ahead, and why. */
  overriddenBy?: string | undefined;
  overrideReason?: string | undefined;
  /** The supervisor's signature of the override, and what this person lacked. */
  overrideSignatureId?: string | undefined;
  overrideMissing?: MissingQualification[] | undefined;
}

/** A person's labor head: the open entries, its version (the audit and event sequence) and audit head. */
export interface LaborHead {
  personnelId: string;
  personName: string;
  version: number;
  /** The last outbox event's sequence: a person's labor events are gap-free from 1. */
  eventSeq: number;
  open: LaborEntry[];
  updatedAt: string;
  updatedBy: string;
}

export interface LaborAudit {
  version: number;
  at: string;
  by: string;
  action: 'clock-on' | 'clock-off';
  target: string;
  reason?: string | undefined;
  changes: { field: string; from: unknown; to: unknown }[];
}

export interface LaborEvent {
  id: string;
  /** `qualification.overridden`: a supervisor let this person clock on without a qualification (on their labor outbox). */
  type: LaborEventType | 'qualification.overridden';
  schemaVersion: 1;
  occurredAt: string;
  tenantId: string;
  personnelId: string;
  workOrderId?: string | undefined;
  sequence: number;
  data: Record<string, unknown>;
}

/** One person's change: the head before (undefined: first ever) and after, entries opened and closed. */
export interface LaborWrite {
  before: LaborHead | undefined;
  after: LaborHead;
  opened: LaborEntry[];
  closed: LaborEntry[];
  audit: LaborAudit;
  events: LaborEvent[];
}

export interface LaborRepository {
  heads(tenantId: string, personnelIds: readonly string[]): Promise<Map<string, LaborHead>>;
  /** One transaction for every person's write; a stale head is a VersionConflictError. */
  commit(tenantId: string, writes: readonly LaborWrite[]): Promise<void>;
  /** A person's entries that started in [fromIso, toIso]. */
  personEntries(tenantId: string, personnelId: string, fromIso: string, toIso: string): Promise<LaborEntry[]>;
  /** Every operation entry of an order (gsi2). */
  orderEntries(tenantId: string, workOrderId: string): Promise<LaborEntry[]>;
  /** The heads of everyone with an open entry (gsi1, sparse). */
  active(tenantId: string): Promise<LaborHead[]>;
}

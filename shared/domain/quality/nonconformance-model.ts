/**
 * Nonconformances (issue 15, docs/quality.md "Nonconformances"): what was found wrong (a work
 * order's units at an operation, a lot, a serial; how many; the defect), who found it, what it
 * holds, and the disposition quality decides (scrap, rework, use as is with a second person's
 * approval, return to supplier). The domain owns these types; shared/api/nonconformance-schemas.ts
 * validates the wire against them. Pure: no AWS imports.
 */
import type { AuditRecord } from '../work-order/model.ts';

/**
 * `open`: found, holding what it names, no disposition yet. `awaiting-approval`: quality decided
 * use as is; a second, different person must approve it (the hold stays until then). `closed`:
 * dispositioned (and approved, for use as is): its holds are lifted. A closed one never reopens.
 */
export const NONCONFORMANCE_STATUSES = ['open', 'awaiting-approval', 'closed'] as const;
export type NonconformanceStatus = (typeof NONCONFORMANCE_STATUSES)[number];
export const isNonconformanceStatus = (v: unknown): v is NonconformanceStatus =>
  typeof v === 'string' && (NONCONFORMANCE_STATUSES as readonly string[]).includes(v);

/** MESA / ISO 9001 8.7 dispositions of nonconforming product. */
export const DISPOSITIONS = ['scrap', 'rework', 'use-as-is', 'return-to-supplier'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** What a nonconformance may hold. */
export const HELD_KINDS = ['work-order', 'lot', 'serial'] as const;
export type HeldKind = (typeof HELD_KINDS)[number];

/**
 * How the nonconformance held one thing it names, when it opened:
 * - `placed`: it put the thing on hold (a quality hold, for an order);
 * - `joined`: another open nonconformance had put it on hold already; it holds it too (the thing
 *   is released only when the last nonconformance holding it closes);
 * - `already-held`: something else holds it (a person, a recall): left as it is, never lifted by
 *   the nonconformance;
 * - `not-held`: the thing cannot be held now (an order that is not released or running): the
 *   nonconformance records it, nothing more.
 */
export const HOLD_OUTCOMES = ['placed', 'joined', 'already-held', 'not-held'] as const;
export type HoldOutcome = (typeof HOLD_OUTCOMES)[number];

/** What happened to a hold when the nonconformance closed. */
export const HOLD_ENDINGS = ['lifted', 'kept-for-others', 'not-ours', 'gone'] as const;
export type HoldEnding = (typeof HOLD_ENDINGS)[number];

export interface NonconformanceHold {
  kind: HeldKind;
  id: string;
  outcome: HoldOutcome;
  /** Set when the nonconformance closed: lifted, kept (another open one holds it), not ours, or gone (scrapped, returned, released meanwhile). */
  ending?: HoldEnding | undefined;
}

/** The decision quality took, and for use as is the second person's approval. */
export interface DispositionDecision {
  disposition: Disposition;
  decidedAt: string;
  decidedBy: string;
  decidedByName: string;
  comment?: string | undefined;
  /** Scrap: the code of the plant's scrap reason list it was scrapped with (default: the defect code). */
  scrapReasonCode?: string | undefined;
  /** Rework: the operation added to the order. */
  rework?: { seq: number; name: string; workCenterId: string; instructions: string } | undefined;
  /** Use as is: who approved it (never who decided it). */
  approvedAt?: string | undefined;
  approvedBy?: string | undefined;
  approvedByName?: string | undefined;
}

export interface Nonconformance {
  /** `NC-{YYYY}-{SEQ:5}`, numbered per tenant and year. */
  id: string;
  status: NonconformanceStatus;
  /** What it names: an order (and operation), a lot, a serial; at least one. */
  workOrderId?: string | undefined;
  seq?: number | undefined;
  lotId?: string | undefined;
  serialId?: string | undefined;
  /** The material of what it names. */
  materialId?: string | undefined;
  /** How many are nonconforming, in `uom` (the unit of what it names; 1 for a serial). */
  quantity: number;
  uom?: string | undefined;
  /** A code of the plant's defect reason list, and its name then. */
  defectCode: string;
  defectName?: string | undefined;
  description: string;
  /** The inspection that failed, when one found it. */
  inspectionId?: string | undefined;
  reportedAt: string;
  reportedBy: string;
  reportedByName: string;
  holds: NonconformanceHold[];
  disposition?: DispositionDecision | undefined;
  closedAt?: string | undefined;
  closedBy?: string | undefined;
  updatedAt: string;
  updatedBy: string;
  version: number;
}

/** A nonconformance as stored: with its outbox sequence counter. */
export interface NonconformanceAggregate extends Nonconformance {
  eventSeq: number;
}

/** The outbound webhook events of nonconformances (docs/webhooks.md, docs/quality.md). */
export const NONCONFORMANCE_EVENT_TYPES = ['nonconformance.opened', 'nonconformance.dispositioned', 'nonconformance.closed'] as const;
export type NonconformanceEventType = (typeof NONCONFORMANCE_EVENT_TYPES)[number];
export const isNonconformanceEventType = (type: string): type is NonconformanceEventType =>
  (NONCONFORMANCE_EVENT_TYPES as readonly string[]).includes(type);

/** Opens a nonconformance (POST /v1/nonconformances). */
export interface ReportNonconformance {
  workOrderId?: string | undefined;
  seq?: number | undefined;
  lotId?: string | undefined;
  serialId?: string | undefined;
  quantity: number;
  defectCode: string;
  description: string;
  inspectionId?: string | undefined;
}

/**
 * Decides (or approves) a disposition (POST /v1/nonconformances/{id}/disposition). A decision
 * names `disposition`; the approval of a use-as-is decision is `{ approve: true }` by a second
 * person (`{ approve: false }` rejects it: the nonconformance is open again).
 */
export interface DispositionInput {
  disposition?: Disposition | undefined;
  approve?: boolean | undefined;
  comment?: string | undefined;
  /** Scrap: a code of the plant's scrap reason list (default: the defect code). */
  scrapReasonCode?: string | undefined;
  /** Rework: what to do (required), where (default: the nonconforming operation's work center), its name and seq (default: the first free seq after the operation). */
  instructions?: string | undefined;
  workCenterId?: string | undefined;
  reworkName?: string | undefined;
  reworkSeq?: number | undefined;
}

/** The nonconformance with its audit trail (GET /v1/nonconformances/{id}). */
export interface NonconformanceDetail extends Nonconformance {
  history: AuditRecord[];
}

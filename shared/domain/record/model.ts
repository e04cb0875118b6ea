/**
 * The batch record (eBR, 21 CFR 211.188) and device history record (DHR, 820.184) of a work
 * order (issue 16, docs/batch-record.md): everything the MES recorded for the order, generated
 * on read from the order's own items and the records that name it, with the EXCEPTIONS FIRST so
 * a reviewer reads the deviations rather than the whole record. Released by the signatures the
 * plant's policy 'work-order.release-record' requires, immutable after. Pure: no AWS imports.
 */

/** What the reviewer must look at, each pointing into the record (a JSON pointer). */
export const EXCEPTION_KINDS = [
  'open-nonconformance',
  'unsigned',
  'failed-inspection',
  'out-of-limits',
  'machine-out-of-limits',
  'hold',
  'correction',
  'reopened',
  'overrun',
  'short',
  'rework',
  'scrap',
  'nonconformance',
] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

export interface RecordException {
  kind: ExceptionKind;
  /** In plain words, for the reviewer ("Seat torque 31 Nm is above its limit of 30 Nm"). */
  text: string;
  /** Where it is in the record: a JSON pointer, e.g. `/operations/1/recordedData/torque`. */
  ref: string;
  seq?: number | undefined;
  at?: string | undefined;
}

export interface RecordValue {
  name: string;
  label: string;
  value: number | string | boolean;
  unit?: string | undefined;
  min?: number | undefined;
  max?: number | undefined;
  within: boolean;
  recordedAt: string;
  recordedBy: string;
}

/** A report, completion or correction of an operation, from the order's audit trail. */
export interface RecordReport {
  /** The audit record's version: what a correction names. */
  version: number;
  action: string;
  at: string;
  by: string;
  goodQty?: number | undefined;
  scrapQty?: number | undefined;
  comment?: string | undefined;
}

export interface RecordMaterial {
  materialId: string;
  kind: 'lot' | 'serial';
  id: string;
  quantity: number;
  backflush: boolean;
  at: string;
  by: string;
  materialName?: string | undefined;
  supplierId?: string | undefined;
  supplierLot?: string | undefined;
}

export interface RecordOperation {
  seq: number;
  name: string;
  workCenterId: string;
  status: string;
  startedAt?: string | undefined;
  startedBy?: string | undefined;
  completedAt?: string | undefined;
  completedBy?: string | undefined;
  goodQty: number;
  scrapQty: number;
  scrapByReason: Record<string, number>;
  /** The instructions it ran by, as copied at release (a controlled document's id and version when the routing names one). */
  instructions: string;
  /** The controlled documents it ran by (issue 16): each version copied at release, with the hash of its content then. */
  documents?: { id: string; version: number; title: string; contentHash: string }[] | undefined;
  values: RecordValue[];
  reports: RecordReport[];
  consumed: RecordMaterial[];
  rework?: { nonconformanceId: string; afterSeq: number; quantity: number } | undefined;
}

export interface RecordInspection {
  inspectionId: string;
  attempt: number;
  seq: number;
  planId: string;
  planVersion: number;
  sampleSize: number;
  defectiveUnits: number;
  passed: boolean;
  recordedAt: string;
  recordedBy: string;
  /** A later attempt of the same inspection exists: this one no longer decides. */
  superseded: boolean;
  reason?: string | undefined;
}

export interface RecordNonconformance {
  id: string;
  status: string;
  seq?: number | undefined;
  lotId?: string | undefined;
  serialId?: string | undefined;
  quantity: number;
  defectCode: string;
  defectName?: string | undefined;
  description: string;
  reportedAt: string;
  reportedBy: string;
  disposition?: string | undefined;
  decidedBy?: string | undefined;
  approvedBy?: string | undefined;
  closedAt?: string | undefined;
}

export interface RecordHold {
  heldAt: string;
  heldBy: string;
  reason?: string | undefined;
  comment?: string | undefined;
  releasedAt?: string | undefined;
  releasedBy?: string | undefined;
}

export interface RecordCorrection {
  version: number;
  at: string;
  by: string;
  target: string;
  reason?: string | undefined;
  /** The audit record (version) it corrects; that record stays as it was. */
  corrects: number;
  changes: { field: string; from: unknown; to: unknown }[];
}

export interface RecordDowntime {
  equipmentId: string;
  start: string;
  end: string | null;
  seconds: number;
  state: string;
  reasonCode?: string | undefined;
  reasonName?: string | undefined;
}

export interface RecordMachineData {
  seq: number;
  machineGoodQty: number;
  machineRejectQty: number;
  process: Record<string, { count: number; min: number | null; max: number | null; mean: number | null; last: number | null; outOfLimits: number }>;
}

/** A signature as the record shows and prints it (11.50): printed name, date and time in the plant's zone, meaning. */
export interface RecordSignature {
  id: string;
  meaning: string;
  meaningText: string;
  signerId: string;
  printedName: string;
  signedAt: string;
  /** `signedAt` in the plant's time zone, as printed: "2026-12-03 14:05 Europe/Berlin". */
  signedAtLocal: string;
  method: string;
  comment?: string | undefined;
  contentHash: string;
  /** The record's signable content still hashes to `contentHash`. */
  valid: boolean;
  invalidReason?: string | undefined;
}

export interface BatchRecord {
  workOrderId: string;
  /** The plant's zone the manifestations are printed in. */
  timeZone: string;
  generatedAt: string;
  released: boolean;
  recordReleasedAt?: string | undefined;
  /** contentHash(signableContent(this)) now. */
  contentHash: string;
  /** The content hash at release: equal to `contentHash` as long as nothing changed. */
  recordHash?: string | undefined;
  exceptions: RecordException[];
  order: {
    id: string;
    materialId: string;
    materialName?: string | undefined;
    uom?: string | undefined;
    quantity: number;
    producedQty: number;
    scrappedQty: number;
    overrunTolerancePct: number;
    routingId: string;
    routingVersion?: number | undefined;
    bomId?: string | undefined;
    workCenterId: string;
    externalRef?: string | undefined;
    status: string;
    createdAt: string;
    createdBy: string;
    releasedAt?: string | undefined;
    startedAt?: string | undefined;
    completedAt?: string | undefined;
    closedAt?: string | undefined;
  };
  operations: RecordOperation[];
  produced: { lots: { id: string; fromUnit: number }[]; serials: string[] };
  inspections: RecordInspection[];
  nonconformances: RecordNonconformance[];
  holds: RecordHold[];
  corrections: RecordCorrection[];
  machineData: RecordMachineData[];
  downtime: RecordDowntime[];
  signatures: RecordSignature[];
  /** The policy's state: which signatures are still missing. */
  required: { complete: boolean; missing: { meaning: string; roles: string[] }[] };
}

/** The policy action that releases an order's record. */
export const RELEASE_RECORD_ACTION = 'work-order.release-record';

/**
 * The canonical projection a signature binds to (11.70): what people recorded, without what
 * signing or reading itself changes: signatures, the policy's state, release status and hash,
 * generation time, the exceptions (derived; 'unsigned' changes with each signature), versions,
 * and the order's administrative lifecycle after completion (status, closedAt: closing a
 * released order changes nothing that was recorded). Machine data and downtime are left out
 * too: telemetry arrives late and its summaries may move, while the signature binds what people
 * recorded and decided.
 */
export function signableContent(record: BatchRecord) {
  const { status: _s, closedAt: _c, ...order } = record.order;
  return {
    kind: 'batch-record',
    workOrderId: record.workOrderId,
    order,
    operations: record.operations,
    produced: record.produced,
    inspections: record.inspections,
    nonconformances: record.nonconformances,
    holds: record.holds,
    corrections: record.corrections,
  };
}

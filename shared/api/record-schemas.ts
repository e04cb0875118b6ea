/**
 * The wire shape of the batch record / device history record (shared/domain/record/model.ts,
 * docs/batch-record.md). `GET /v1/work-orders/{id}/record` and `GET /v1/serials/{id}/record`
 * answer it as JSON, or as a PDF with `Accept: application/pdf`.
 */
import * as z from 'zod/mini';
import { EXCEPTION_KINDS, type BatchRecord } from '../domain/record/model.ts';
import { meta, ProcessValuesSchema } from './schemas.ts';

const opt = z.optional;
const Scalar = z.union([z.number(), z.string(), z.boolean()]);
const Change = z.object({ field: z.string(), from: z.unknown(), to: z.unknown() });

export const RecordExceptionSchema = meta(
  z.object({ kind: z.enum(EXCEPTION_KINDS), text: z.string(), ref: z.string(), seq: opt(z.int()), at: opt(z.string()) }),
  'RecordException',
  'Something the reviewer must look at, in plain words, with a JSON pointer (`ref`) to where it is in the record',
);

export const RecordSignatureSchema = meta(
  z.object({
    id: z.string(),
    meaning: z.string(),
    meaningText: z.string(),
    signerId: z.string(),
    printedName: z.string(),
    signedAt: z.string(),
    signedAtLocal: z.string(),
    method: z.string(),
    comment: opt(z.string()),
    contentHash: z.string(),
    valid: z.boolean(),
    invalidReason: opt(z.string()),
  }),
  'RecordSignature',
  "A signature's manifestation (21 CFR 11.50): printed name, date and time in the plant's zone, meaning; and whether the record still hashes to what was signed (11.70)",
);

const MaterialSchema = z.object({
  materialId: z.string(),
  kind: z.enum(['lot', 'serial']),
  id: z.string(),
  quantity: z.number(),
  backflush: z.boolean(),
  at: z.string(),
  by: z.string(),
  materialName: opt(z.string()),
  supplierId: opt(z.string()),
  supplierLot: opt(z.string()),
});

const OperationSchema = z.object({
  seq: z.int(),
  name: z.string(),
  workCenterId: z.string(),
  status: z.string(),
  startedAt: opt(z.string()),
  startedBy: opt(z.string()),
  completedAt: opt(z.string()),
  completedBy: opt(z.string()),
  goodQty: z.number(),
  scrapQty: z.number(),
  scrapByReason: z.record(z.string(), z.number()),
  instructions: z.string(),
  documents: opt(z.array(z.object({ id: z.string(), version: z.int(), title: z.string(), contentHash: z.string() }))),
  values: z.array(
    z.object({
      name: z.string(),
      label: z.string(),
      value: Scalar,
      unit: opt(z.string()),
      min: opt(z.number()),
      max: opt(z.number()),
      within: z.boolean(),
      recordedAt: z.string(),
      recordedBy: z.string(),
    }),
  ),
  reports: z.array(
    z.object({
      version: z.int(),
      action: z.string(),
      at: z.string(),
      by: z.string(),
      goodQty: opt(z.number()),
      scrapQty: opt(z.number()),
      comment: opt(z.string()),
    }),
  ),
  consumed: z.array(MaterialSchema),
  rework: opt(z.object({ nonconformanceId: z.string(), afterSeq: z.int(), quantity: z.number() })),
});

export const BatchRecordSchema = meta(
  z.object({
    workOrderId: z.string(),
    timeZone: z.string(),
    generatedAt: z.string(),
    released: z.boolean(),
    recordReleasedAt: opt(z.string()),
    contentHash: z.string(),
    recordHash: opt(z.string()),
    exceptions: z.array(RecordExceptionSchema),
    order: z.object({
      id: z.string(),
      materialId: z.string(),
      materialName: opt(z.string()),
      uom: opt(z.string()),
      quantity: z.number(),
      producedQty: z.number(),
      scrappedQty: z.number(),
      overrunTolerancePct: z.number(),
      routingId: z.string(),
      routingVersion: opt(z.int()),
      bomId: opt(z.string()),
      workCenterId: z.string(),
      externalRef: opt(z.string()),
      status: z.string(),
      createdAt: z.string(),
      createdBy: z.string(),
      releasedAt: opt(z.string()),
      startedAt: opt(z.string()),
      completedAt: opt(z.string()),
      closedAt: opt(z.string()),
    }),
    operations: z.array(OperationSchema),
    produced: z.object({ lots: z.array(z.object({ id: z.string(), fromUnit: z.int() })), serials: z.array(z.string()) }),
    inspections: z.array(
      z.object({
        inspectionId: z.string(),
        attempt: z.int(),
        seq: z.int(),
        planId: z.string(),
        planVersion: z.int(),
        sampleSize: z.int(),
        defectiveUnits: z.int(),
        passed: z.boolean(),
        recordedAt: z.string(),
        recordedBy: z.string(),
        superseded: z.boolean(),
        reason: opt(z.string()),
      }),
    ),
    nonconformances: z.array(
      z.object({
        id: z.string(),
        status: z.string(),
        seq: opt(z.int()),
        lotId: opt(z.string()),
        serialId: opt(z.string()),
        quantity: z.number(),
        defectCode: z.string(),
        defectName: opt(z.string()),
        description: z.string(),
        reportedAt: z.string(),
        reportedBy: z.string(),
        disposition: opt(z.string()),
        decidedBy: opt(z.string()),
        approvedBy: opt(z.string()),
        closedAt: opt(z.string()),
      }),
    ),
    holds: z.array(
      z.object({
        heldAt: z.string(),
        heldBy: z.string(),
        reason: opt(z.string()),
        comment: opt(z.string()),
        releasedAt: opt(z.string()),
        releasedBy: opt(z.string()),
      }),
    ),
    corrections: z.array(
      z.object({
        version: z.int(),
        at: z.string(),
        by: z.string(),
        target: z.string(),
        reason: opt(z.string()),
        corrects: z.int(),
        changes: z.array(Change),
      }),
    ),
    machineData: z.array(
      z.object({ seq: z.int(), machineGoodQty: z.number(), machineRejectQty: z.number(), process: z.record(z.string(), ProcessValuesSchema) }),
    ),
    downtime: z.array(
      z.object({
        equipmentId: z.string(),
        start: z.string(),
        end: z.nullable(z.string()),
        seconds: z.number(),
        state: z.string(),
        reasonCode: opt(z.string()),
        reasonName: opt(z.string()),
      }),
    ),
    signatures: z.array(RecordSignatureSchema),
    required: z.object({
      complete: z.boolean(),
      missing: z.array(z.object({ meaning: z.string(), roles: z.array(z.string()) })),
    }),
  }),
  'BatchRecord',
  "A work order's batch record (21 CFR 211.188) / device history record (820.184): exceptions first, then every section, with the signatures' manifestations",
);

/** One serial's device history record: its own history, and its order's record narrowed to what concerns it. */
export const DeviceHistoryRecordSchema = meta(
  z.object({
    serialId: z.string(),
    materialId: z.string(),
    status: z.string(),
    madeAt: opt(z.string()),
    /** The serial's own movements (made, held, released, consumed, shipped), oldest first. */
    history: z.array(z.object({ at: z.string(), by: z.string(), type: z.string(), reason: opt(z.string()) })),
    record: BatchRecordSchema,
  }),
  'DeviceHistoryRecord',
  "One serial's device history record (21 CFR 820.184): its own history and its order's record narrowed to it",
);

export type BatchRecordWire = z.output<typeof BatchRecordSchema>;
export type DeviceHistoryRecord = z.output<typeof DeviceHistoryRecordSchema>;

// The domain type fits the wire (a compile-time check: a field added to one and not the other fails tsc).
export const toWire = (record: BatchRecord): BatchRecordWire => record;

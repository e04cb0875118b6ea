/**
 * The work order model, what a command needs and what it produces. A command is a pure
 * function of the current order, its input, who acts and when; the repository commits its
 * result in one transaction. The domain owns these types: shared/api/schemas.ts validates the
 * wire against them, and a compile-time check there keeps the two equal.
 */
import type { RoutingOperation } from '../master-data/model.ts';
import type { ConsumedMaterial, OperationComponent } from '../tracking/consumption.ts';
import type { CopiedInspectionPlan } from '../quality/inspection-plans.ts';
import type { InspectionProgress } from '../quality/inspections.ts';
import type { TrackingMode } from '../tracking/model.ts';
import type { Role } from '../roles.ts';
import type { HoldKind } from './holds.ts';
import type { OperationStatus, WorkOrderStatus } from './status.ts';
import { LOT_EVENT_TYPES } from '../tracking/lots.ts';
import { RECALL_EVENT_TYPES } from '../tracking/recall-events.ts';
import { SERIAL_EVENT_TYPES } from '../tracking/serials.ts';
import { NONCONFORMANCE_EVENT_TYPES } from '../quality/nonconformance-model.ts';
import { SPC_EVENT_TYPES } from '../quality/spc-events.ts';
import { MAINTENANCE_EVENT_TYPES } from '../maintenance/model.ts';
import { DOCUMENT_EVENT_TYPES, type DocumentReference } from '../documents/model.ts';
import { DEVICE_EVENT_TYPES } from '../devices/model.ts';
import { SIGNATURE_EVENT_TYPES } from '../signatures/model.ts';
import { LABOR_EVENT_TYPES } from '../labor/model.ts';
import type { OperationRequirement, QualificationOverrideRecord } from '../qualifications/model.ts';

export interface WorkOrder {
  id: string;
  materialId: string;
  /** The material's name and unit of measure, copied at create (orders from before units were copied have none). */
  materialName?: string | undefined;
  uom?: string | undefined;
  /** How its material is tracked, copied at create (issue 14): a report of an untracked one reads no material. Orders from before have none. */
  tracking?: TrackingMode | undefined;
  quantity: number;
  routingId: string;
  bomId?: string | undefined;
  dueDate: string;
  /** 1 is most urgent. */
  priority: number;
  workCenterId: string;
  externalRef?: string | undefined;
  status: WorkOrderStatus;
  heldFrom?: WorkOrderStatus | undefined;
  holdReason?: string | undefined;
  holdKind?: HoldKind | undefined;
  /** The routing version copied at release. */
  routingVersion?: number | undefined;
  overrunTolerancePct: number;
  producedQty: number;
  scrappedQty: number;
  remainingQty: number;
  createdAt: string;
  createdBy: string;
  releasedAt?: string | undefined;
  startedAt?: string | undefined;
  completedAt?: string | undefined;
  closedAt?: string | undefined;
  cancelledAt?: string | undefined;
  /** What the order made of a lot- or serial-tracked material (issue 14); absent until it made some. */
  output?: OrderOutput | undefined;
  /**
   * When its batch record was released by the signatures its policy requires (issue 16,
   * docs/batch-record.md), and the record's content hash then: from that moment the order
   * accepts no change (RecordReleasedError).
   */
  recordReleasedAt?: string | undefined;
  recordHash?: string | undefined;
  updatedAt: string;
  updatedBy: string;
  version: number;
}

/**
 * An order's tracked output: the lots it produced into, each from the good unit (of its last
 * operation, counted from 0) where it began, and how many serials it made (serial k is unit k).
 */
export interface OrderOutput {
  lots: { id: string; fromUnit: number }[];
  serials: number;
}

export interface RecordedValue {
  value: number | string | boolean;
  unit?: string | undefined;
  outOfLimits: boolean;
  recordedAt: string;
  recordedBy: string;
}

/** One of a work order's own operations, copied from the routing at release. */
/** Its routing operation's fields, but its requirements as `qualifications` (resolved and named at release, issue 18). */
export interface Operation extends Omit<RoutingOperation, 'requiredQualifications'> {
  status: OperationStatus;
  goodQty: number;
  scrapQty: number;
  scrapByReason: Record<string, number>;
  recordedData: Record<string, RecordedValue>;
  startedAt?: string | undefined;
  startedBy?: string | undefined;
  pausedAt?: string | undefined;
  pauseReason?: string | undefined;
  completedAt?: string | undefined;
  completedBy?: string | undefined;
  /** The BOM lines this operation consumes, copied at release (issue 14); none without a BOM. */
  components?: OperationComponent[] | undefined;
  /** What it consumed, in the order it was consumed (issue 14). */
  consumed?: ConsumedMaterial[] | undefined;
  /** The inspection plans that apply here, copied at release with their versions (issue 15); none without plans. */
  inspectionPlans?: CopiedInspectionPlan[] | undefined;
  /** What was recorded of them, per plan (quality/inspections.ts); absent until the first result. */
  inspectionProgress?: InspectionProgress[] | undefined;
  /** The controlled documents' versions in force at release (issue 16, documents/model.ts); none when the routing names none. */
  documents?: DocumentReference[] | undefined;
  /** The qualifications whoever starts it must hold (issue 18), copied at release: from the routing operation, its work center or unit, and the training on its documents. */
  qualifications?: OperationRequirement[] | undefined;
  /** A supervisor's override of missing qualifications at its start (issue 18): who signed, why, what was missing. */
  qualificationOverride?: QualificationOverrideRecord | undefined;
  /**
   * A rework operation a nonconformance's disposition added (issue 15): a side step for the
   * nonconforming quantity, outside the order's flow (it neither gates nor feeds the next
   * operation, and the order's totals do not count it); the order completes only once it is DONE.
   */
  rework?: { nonconformanceId: string; afterSeq: number; quantity: number } | undefined;
  version: number;
}

export interface WorkOrderDetail extends WorkOrder {
  operations: Operation[];
}

/** One entry of the audit trail (21 CFR 11.10(e)): who did what when, with old and new values. */
export interface AuditRecord {
  version: number;
  at: string;
  by: string;
  action: string;
  target: string;
  reason?: string | undefined;
  comment?: string | undefined;
  /** A correction names the record it corrects (its version); the original stays as it was. */
  corrects?: number | undefined;
  changes: { field: string; from: unknown; to: unknown }[];
}

/** An operation on a work center's dispatch list. */
export interface DispatchEntry {
  workOrderId: string;
  workOrderStatus: WorkOrderStatus;
  materialId: string;
  materialName?: string | undefined;
  uom?: string | undefined;
  quantity: number;
  priority: number;
  dueDate: string;
  seq: number;
  name: string;
  status: OperationStatus;
  goodQty: number;
  scrapQty: number;
  startedAt?: string | undefined;
}

/** A production order to make a quantity of a material along a routing (defaults applied). */
export interface CreateWorkOrder {
  /** The ERP's production order number, when it has one; generated otherwise. */
  id?: string | undefined;
  materialId: string;
  quantity: number;
  routingId: string;
  bomId?: string | undefined;
  dueDate: string;
  priority: number;
  workCenterId?: string | undefined;
  externalRef?: string | undefined;
}

/** A production report: good and scrap quantities (scrap with a reason code) and recorded data. */
export interface ReportOperation {
  goodQty: number;
  scrapQty: number;
  scrapReasonCode?: string | undefined;
  data?: Record<string, number | string | boolean> | undefined;
  comment?: string | undefined;
  /** The order's last operation making a lot-tracked material: the lot the good go into (the order's current output lot, or a new numbered one, when absent). */
  lotId?: string | undefined;
  /** The order's last operation making a serialized material: one number per good unit (numbered by the material's pattern when absent). */
  serials?: string[] | undefined;
}
/** Completes an operation, optionally with a last report. */
export interface CompleteOperation extends ReportOperation {
  /** Completing with 0 good while the order still needs output passes nothing on: say so on purpose. */
  confirmNoOutput?: boolean | undefined;
}

/**
 * A correction of one report or completion (named by its audit record version): what it should
 * have said. Omitted fields keep what the report (as corrected so far) said.
 */
export interface CorrectReport {
  corrects: number;
  goodQty?: number | undefined;
  scrapQty?: number | undefined;
  scrapReasonCode?: string | undefined;
  data?: Record<string, number | string | boolean> | undefined;
  reason: string;
}

/** Reopens a DONE operation. */
export interface ReopenOperation {
  reason: string;
}

export interface Actor {
  userId: string;
  name: string;
  roles: readonly Role[];
}

/** The order as stored: header fields, its operations, and the outbox sequence counter. */
export interface WorkOrderAggregate extends WorkOrder {
  operations: Operation[];
  /** Last per-order event sequence number used by the outbox. */
  eventSeq: number;
}

export const EVENT_TYPES = [
  'work-order.released',
  'work-order.started',
  'work-order.held',
  'work-order.resumed',
  'work-order.completed',
  'work-order.cancelled',
  'work-order.closed',
  // Its batch record released by the last required signature (issue 16).
  'work-order.record-released',
  'operation.started',
  'operation.completed',
  'production.reported',
  'operation.reopened',
  'production.corrected',
  // Product tracking (issue 14): a lot consumed at an operation.
  'material.consumed',
  'material.produced',
  // Lots (issue 14): written to the lot's own outbox (shared/domain/tracking/lots.ts).
  ...LOT_EVENT_TYPES,
  // Serials and recalls (issue 14): each to its serial's or recall's own outbox.
  ...SERIAL_EVENT_TYPES,
  ...RECALL_EVENT_TYPES,
  // Quality (issue 15): an inspection's result, passed or failed, at an order's operation.
  'inspection.recorded',
  // Nonconformances (issue 15), on the order's outbox: its units scrapped by a disposition, a rework operation added.
  'production.scrapped',
  'operation.added',
  // Nonconformances (issue 15): each to its nonconformance's own outbox.
  ...NONCONFORMANCE_EVENT_TYPES,
  // SPC (issue 15): each to its characteristic's own outbox.
  ...SPC_EVENT_TYPES,
  // Controlled documents (issue 16): each to its document's own outbox.
  ...DOCUMENT_EVENT_TYPES,
  // Devices and gateways (issue 17): each to its device's own outbox.
  ...DEVICE_EVENT_TYPES,
  // Signatures (issue 16): `signature.applied` on the signed record's outbox, the lock-out alert on the signer's.
  ...SIGNATURE_EVENT_TYPES,
  // Labor (issue 18): each to the person's own labor outbox (docs/labor.md).
  ...LABOR_EVENT_TYPES,
  // Qualifications (issue 18): a supervisor let an operation start without a qualification, on the order's outbox.
  'qualification.overridden',
  // Maintenance (issue 18): each to its maintenance request's own outbox.
  ...MAINTENANCE_EVENT_TYPES,
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface OutboxEvent {
  id: string;
  type: EventType;
  /** Version of the event's data schema. */
  schemaVersion: 1;
  occurredAt: string;
  tenantId: string;
  /** The order the event is about; a lot event names its lot instead. */
  workOrderId?: string | undefined;
  /** The lot a lot event (`lot.*`) is about. */
  lotId?: string | undefined;
  /** The serial a serial event (`serial.*`) is about. */
  serialId?: string | undefined;
  /** The recall a recall event (`recall.*`) is about. */
  recallId?: string | undefined;
  /** The nonconformance a nonconformance event (`nonconformance.*`) is about. */
  nonconformanceId?: string | undefined;
  /** The characteristic an SPC event (`quality.spc-violation`, `quality.baseline-frozen`) is about. */
  characteristicId?: string | undefined;
  /** The controlled document a document event (`document.*`) is about. */
  documentId?: string | undefined;
  /** The device a device event (`device.*`) is about. */
  deviceId?: string | undefined;
  /** The person a labor event (`labor.*`) is about (issue 18). */
  personnelId?: string | undefined;
  /** The maintenance request a maintenance event (`maintenance-request.*`) is about (issue 18). */
  maintenanceRequestId?: string | undefined;
  /** Per order (per lot, serial or recall for their events), gap-free sequence number. */
  sequence: number;
  data: Record<string, unknown>;
}

export interface CommandResult {
  before: WorkOrderAggregate | undefined;
  after: WorkOrderAggregate;
  /** Operations whose stored item changes (by seq). */
  changedOperations: number[];
  audit: AuditRecord;
  events: OutboxEvent[];
}

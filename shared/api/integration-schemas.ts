/**
 * The wire contract of the ERP integration (docs/webhooks.md): integration credentials and the
 * inbound ERP events (ISA-95 vocabulary), the outbound webhook endpoints, their deliveries, and
 * the documented, versioned payload of every outbound event.
 */
import * as z from 'zod/mini';
import { EVENT_TYPES } from '../domain/work-order/model.ts';
import { isLotEventType } from '../domain/tracking/lots.ts';
import { isRecallEventType } from '../domain/tracking/recall-events.ts';
import { isNonconformanceEventType } from '../domain/quality/nonconformance-model.ts';
import { isSpcEventType } from '../domain/quality/spc-events.ts';
import { isSerialEventType } from '../domain/tracking/serials.ts';
import { isDeviceEventType } from '../domain/devices/model.ts';
import { isDocumentEventType } from '../domain/documents/model.ts';
import { isLaborEventType } from '../domain/labor/model.ts';
import {
  MATERIAL_TYPES,
  DataRequirementSchema,
  IdSchema,
  MissingQualificationSchema,
  PositiveQuantity,
  Seconds,
  Text,
  Timestamp,
  meta,
} from './schemas.ts';
import { isMaintenanceEventType } from '../domain/maintenance/model.ts';
import { MaintenancePartSchema, MaintenanceWindowSchema } from './maintenance-schemas.ts';

export { EVENT_TYPES };

// ---------- Integration credentials (inbound) ----------

/**
 * `<tenant>.<20 random base32 chars>`: the tenant part tells the MES where to look up the
 * secret; only a valid signature with that tenant's secret makes the tenant the caller.
 */
export const CredentialIdSchema = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}\.[a-z2-7]{20}$/, 'must be an integration credential id, e.g. acme.abcdefghij234567abcd'));
export const CREDENTIAL_STATUSES = ['active', 'revoked'] as const;

export const CreateIntegrationCredentialSchema = meta(
  z.object({ name: Text(100), description: z.optional(z.string().check(z.maxLength(500))) }),
  'CreateIntegrationCredential',
  'A named credential an ERP signs its webhooks with.',
);
export const IntegrationCredentialSchema = meta(
  z.object({
    id: CredentialIdSchema,
    name: z.string(),
    description: z.optional(z.string()),
    status: z.enum(CREDENTIAL_STATUSES),
    /** Where the ERP posts: the inbound endpoint with this credential named. */
    inboundPath: z.string(),
    createdAt: Timestamp,
    createdBy: z.string(),
    rotatedAt: z.optional(Timestamp),
    /** While a rotation's grace period runs, the previous secret verifies too, until then. */
    previousSecretExpiresAt: z.optional(Timestamp),
    revokedAt: z.optional(Timestamp),
    revokedBy: z.optional(z.string()),
    version: z.int(),
  }),
  'IntegrationCredential',
  'An integration credential, without its secret.',
);
/** Standard Webhooks secret: `whsec_` and base64 of 32 random bytes. */
export const SecretSchema = z.string().check(z.regex(/^whsec_[A-Za-z0-9+/]{43}=$/));
export const IntegrationCredentialWithSecretSchema = meta(
  z.object({ ...IntegrationCredentialSchema.shape, secret: SecretSchema }),
  'IntegrationCredentialWithSecret',
  'A credential as created or rotated: the only time its secret is shown.',
);

/** Rotation: a new secret now, the previous one keeps verifying (or signing) for a grace period. */
export const RotateSecretSchema = meta(
  z.object({
    /** How long the previous secret stays valid; 0 ends it now. Default one day. */
    previousSecretValidSeconds: z._default(z.int().check(z.gte(0), z.lte(7 * 86_400)), 86_400),
  }),
  'RotateSecret',
  'Rotate a signing secret.',
);
export const CredentialParamsSchema = z.object({ id: CredentialIdSchema });

// ---------- Inbound ERP events ----------

export const ERP_EVENT_TYPES = [
  'production-order.upserted',
  'production-order.cancelled',
  'material.upserted',
  'bom.upserted',
  'routing.upserted',
  'lot.received',
] as const;
export type ErpEventType = (typeof ERP_EVENT_TYPES)[number];

/** The inbound endpoint names its credential in the query string: ERP webhook senders set URLs, not always headers. */
export const ErpEventsQuerySchema = z.strictObject({ credential: CredentialIdSchema });

/** The Standard Webhooks payload shape: type, timestamp, data. */
export const ErpEventEnvelopeSchema = z.object({
  type: z.string().check(z.minLength(1), z.maxLength(100)),
  timestamp: z.optional(Timestamp),
  data: z.record(z.string(), z.unknown()),
});

/** ISA-95 ProductionRequest (B2MML names, camelCase). */
export const ProductionOrderUpsertedSchema = meta(
  z.object({
    /** The ERP's production order number: becomes the work order id. */
    id: IdSchema,
    materialDefinitionId: IdSchema,
    quantity: PositiveQuantity,
    unitOfMeasure: z.optional(Text(20)),
    /** The routing (ISA-95 operations definition / product production rule). */
    operationsDefinitionId: IdSchema,
    billOfMaterialId: z.optional(IdSchema),
    /** The work center (ISA-95 equipment requirement); default: the routing's first. */
    equipmentId: z.optional(IdSchema),
    earliestStartTime: z.optional(Timestamp),
    /** Due date. */
    latestEndTime: Timestamp,
    /** 1 is most urgent. */
    priority: z.optional(z.int().check(z.gte(1), z.lte(999))),
    /** The ERP's own reference, e.g. its sales order. */
    externalReference: z.optional(Text(100)),
  }),
  'ProductionOrderUpserted',
  'production-order.upserted: create or change a production order (ISA-95 ProductionRequest).',
);
export const ProductionOrderCancelledSchema = meta(
  z.object({ id: IdSchema, reason: z.optional(Text(2000)) }),
  'ProductionOrderCancelled',
  'production-order.cancelled: the ERP withdraws a production order.',
);
export const MaterialUpsertedSchema = meta(
  z.object({
    id: IdSchema,
    description: Text(200),
    unitOfMeasure: Text(20),
    materialClassId: z.optional(Text(100)),
    materialType: z.optional(z.enum(MATERIAL_TYPES)),
  }),
  'MaterialUpserted',
  'material.upserted: an ISA-95 MaterialDefinition.',
);
export const BomUpsertedSchema = meta(
  z.object({
    id: IdSchema,
    materialDefinitionId: IdSchema,
    baseQuantity: z.optional(PositiveQuantity),
    components: z
      .array(
        z.object({
          materialDefinitionId: IdSchema,
          quantity: PositiveQuantity,
          unitOfMeasure: z.optional(Text(20)),
          /** The routing operation that consumes it. */
          operationSequence: z.int().check(z.positive(), z.lte(9999)),
        }),
      )
      .check(z.minLength(1), z.maxLength(200)),
  }),
  'BomUpserted',
  'bom.upserted: a bill of materials (ISA-95 MaterialSpecification list).',
);
export const RoutingUpsertedSchema = meta(
  z.object({
    id: IdSchema,
    materialDefinitionId: IdSchema,
    description: z.optional(Text(200)),
    operations: z
      .array(
        z.object({
          sequence: z.int().check(z.positive(), z.lte(9999)),
          description: Text(200),
          /** The work center. */
          equipmentId: IdSchema,
          standardTimeSeconds: z.optional(Seconds),
          setupTimeSeconds: z.optional(Seconds),
          workInstructions: z.optional(z.string().check(z.maxLength(8000))),
          dataToRecord: z.optional(z.array(DataRequirementSchema).check(z.maxLength(50))),
        }),
      )
      .check(z.minLength(1), z.maxLength(50)),
  }),
  'RoutingUpserted',
  'routing.upserted: an ISA-95 OperationsDefinition with its operations segments.',
);

/** ISA-95 MaterialLot as a goods receipt: a supplier's lot arrived (docs/erp-inbound.md, docs/tracking.md). */
export const LotReceivedSchema = meta(
  z.object({
    /** The MES lot number; absent: the MES numbers it by the material's lot number pattern. */
    id: z.optional(IdSchema),
    materialDefinitionId: IdSchema,
    quantity: PositiveQuantity,
    unitOfMeasure: z.optional(Text(20)),
    supplierId: z.optional(Text(100)),
    /** The supplier's own lot (batch) number. */
    supplierLotId: z.optional(Text(100)),
    /** Absent: the receipt time plus the material's shelf life, when it has one. */
    expirationTime: z.optional(Timestamp),
    /** The ERP's goods receipt (or purchase order line) reference. */
    externalReference: z.optional(Text(100)),
    /** The work center the lot is staged at. */
    storageLocation: z.optional(IdSchema),
  }),
  'LotReceived',
  'lot.received: a goods receipt of a material lot (ISA-95 MaterialLot).',
);

export const ERP_EVENT_DATA = {
  'production-order.upserted': ProductionOrderUpsertedSchema,
  'production-order.cancelled': ProductionOrderCancelledSchema,
  'material.upserted': MaterialUpsertedSchema,
  'bom.upserted': BomUpsertedSchema,
  'routing.upserted': RoutingUpsertedSchema,
  'lot.received': LotReceivedSchema,
} as const satisfies Record<ErpEventType, z.ZodMiniType>;

export const ERP_OUTCOMES = ['created', 'updated', 'unchanged', 'cancelled'] as const;
export const ErpEventResultSchema = meta(
  z.object({
    webhookId: z.string(),
    type: z.string(),
    results: z.array(
      z.object({
        entity: z.enum(['workOrder', 'material', 'bom', 'routing', 'lot']),
        id: z.string(),
        outcome: z.enum(ERP_OUTCOMES),
        version: z.int(),
      }),
    ),
  }),
  'ErpEventResult',
  'What an inbound ERP event did. A redelivery with the same webhook-id returns this same result.',
);

// ---------- Outbound webhook endpoints ----------

export const EventTypeSchema = z.enum(EVENT_TYPES);
const EventTypes = z.array(EventTypeSchema).check(
  z.minLength(1),
  z.maxLength(EVENT_TYPES.length),
  z.refine((types) => new Set(types).size === types.length, 'event types must be unique'),
);
const Url = z.string().check(z.maxLength(2000), z.url({ protocol: /^https?$/, hostname: z.regexes.hostname }));
/**
 * What an endpoint's bodies are: `json` (the MES envelope, the default) or `b2mml` (a B2MML
 * ProductionPerformance document per production event, `application/xml`; docs/webhooks.md).
 */
export const WEBHOOK_FORMATS = ['json', 'b2mml'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
/**
 * The events with a B2MML form (shared/integration/b2mml-performance.ts). `material.produced`
 * comes with produced lots and serials; a type not (yet) in EVENT_TYPES simply never occurs.
 */
export const B2MML_EVENT_TYPES = [
  'production.reported',
  'operation.completed',
  'work-order.completed',
  'material.consumed',
  'material.produced',
] as const;
export const hasB2mmlForm = (type: string): boolean => (B2MML_EVENT_TYPES as readonly string[]).includes(type);
const Format = z.enum(WEBHOOK_FORMATS);

export const CreateWebhookEndpointSchema = meta(
  z.object({
    url: Url,
    eventTypes: EventTypes,
    /** `b2mml` takes only the event types with a B2MML form (400 at /body/eventTypes/{i} otherwise). */
    format: z._default(Format, 'json'),
    enabled: z._default(z.boolean(), true),
    description: z.optional(z.string().check(z.maxLength(500))),
  }),
  'CreateWebhookEndpoint',
  'A subscriber (an ERP) that receives the events it chose, signed with Standard Webhooks.',
);
export const PatchWebhookEndpointSchema = meta(
  z
    .object({
      url: z.optional(Url),
      eventTypes: z.optional(EventTypes),
      format: z.optional(Format),
      enabled: z.optional(z.boolean()),
      description: z.optional(z.string().check(z.maxLength(500))),
    })
    .check(z.refine((p) => Object.keys(p).length > 0, 'name at least one of url, eventTypes, format, enabled, description')),
  'PatchWebhookEndpoint',
  'Change a webhook endpoint; fields left out stay as they are.',
);
export const WebhookEndpointSchema = meta(
  z.object({
    id: IdSchema,
    url: z.string(),
    eventTypes: z.array(EventTypeSchema),
    /** `json` unless the endpoint asked for `b2mml`. */
    format: Format,
    enabled: z.boolean(),
    description: z.optional(z.string()),
    /** Why the MES disabled it, e.g. the receiver answered 410 Gone. */
    disabledReason: z.optional(z.string()),
    rotatedAt: z.optional(Timestamp),
    previousSecretExpiresAt: z.optional(Timestamp),
    createdAt: Timestamp,
    createdBy: z.string(),
    updatedAt: Timestamp,
    updatedBy: z.string(),
    version: z.int(),
  }),
  'WebhookEndpoint',
  'A webhook endpoint, without its signing secret.',
);
export const WebhookEndpointWithSecretSchema = meta(
  z.object({ ...WebhookEndpointSchema.shape, secret: SecretSchema }),
  'WebhookEndpointWithSecret',
  'A webhook endpoint as created or rotated: the only time its signing secret is shown.',
);

export const MESSAGE_STATUSES = ['pending', 'delivered', 'failed'] as const;
export const ATTEMPT_TRIGGERS = ['scheduled', 'manual', 'replay'] as const;
export const WebhookAttemptSchema = z.object({
  attempt: z.int(),
  at: Timestamp,
  trigger: z.enum(ATTEMPT_TRIGGERS),
  /** The receiver's HTTP status; absent when no response came (timeout, refused connection). */
  statusCode: z.optional(z.int()),
  durationMs: z.number(),
  error: z.optional(z.string()),
  /** Retry-After the receiver asked for, in seconds. */
  retryAfterSeconds: z.optional(z.number()),
});
export const WebhookMessageSchema = meta(
  z.object({
    /** The `webhook-id` every delivery of this message carries: the event id. */
    id: z.string(),
    endpointId: IdSchema,
    eventType: EventTypeSchema,
    /** The order the event is about; a lot, serial or recall event names its lot, serial or recall instead. */
    workOrderId: z.optional(z.string()),
    lotId: z.optional(z.string()),
    serialId: z.optional(z.string()),
    recallId: z.optional(z.string()),
    nonconformanceId: z.optional(z.string()),
    characteristicId: z.optional(z.string()),
    sequence: z.int(),
    occurredAt: Timestamp,
    /** The body's format, fixed when the message was made: every attempt sends the same bytes. */
    format: Format,
    status: z.enum(MESSAGE_STATUSES),
    attemptCount: z.int(),
    /** The most recent attempts, oldest first. */
    attempts: z.array(WebhookAttemptSchema),
    nextAttemptAt: z.optional(Timestamp),
    deliveredAt: z.optional(Timestamp),
    failedAt: z.optional(Timestamp),
    failureReason: z.optional(z.string()),
    createdAt: Timestamp,
  }),
  'WebhookMessage',
  'One event for one endpoint, with every delivery attempt.',
);
export const WebhookEndpointParamsSchema = z.object({ id: IdSchema });
export const WebhookMessageParamsSchema = z.object({
  id: IdSchema,
  messageId: z.string().check(z.regex(/^[0-9a-f-]{36}$/, 'must be a message id (a UUID)')),
});
export const ListDeliveriesQuerySchema = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 25),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
  status: z.optional(z.enum(MESSAGE_STATUSES)),
});
export const ReplayWebhookMessagesSchema = meta(
  z.object({ since: Timestamp }),
  'ReplayWebhookMessages',
  'Send again every message of the endpoint that occurred since a time, whatever its status.',
);
export const ReplayResultSchema = z.object({
  /** Messages queued again, at most 1,000 per call. */
  replayed: z.int(),
  /** When more remain: call again with this as `since`. */
  nextSince: z.optional(Timestamp),
});

// ---------- Outbound event payloads (versioned; schemaVersion 1) ----------

const OrderSummary = {
  workOrderId: z.string(),
  materialId: z.string(),
  quantity: z.number(),
  status: z.string(),
  producedQty: z.number(),
  scrappedQty: z.number(),
  externalRef: z.optional(z.string()),
};
const OperationRef = { seq: z.int(), workCenterId: z.string() };
/** What every lot event says of its lot, after the change (docs/tracking.md). */
const LotSummary = {
  lotId: z.string(),
  materialId: z.string(),
  quantity: z.number(),
  uom: z.string(),
  status: z.string(),
  supplierId: z.optional(z.string()),
  supplierLot: z.optional(z.string()),
  expiresAt: z.optional(z.string()),
  externalRef: z.optional(z.string()),
};

/** What every serial event says of its serial, after the change. */
const SerialSummary = {
  serialId: z.string(),
  materialId: z.string(),
  status: z.string(),
  workOrderId: z.string(),
  lotId: z.optional(z.string()),
};
/** What every nonconformance event says of its nonconformance, after the change (docs/quality.md). */
const NonconformanceSummary = {
  nonconformanceId: z.string(),
  status: z.string(),
  workOrderId: z.optional(z.string()),
  seq: z.optional(z.int()),
  lotId: z.optional(z.string()),
  serialId: z.optional(z.string()),
  materialId: z.optional(z.string()),
  quantity: z.number(),
  uom: z.optional(z.string()),
  defectCode: z.string(),
  inspectionId: z.optional(z.string()),
};
const NonconformanceHolds = z.array(z.object({ kind: z.string(), id: z.string(), outcome: z.string(), ending: z.optional(z.string()) }));
/** What every controlled-document event says of the version it is about (docs/documents.md). */
/** What every maintenance request event carries (issue 18, docs/maintenance.md "Webhook events"). */
const MaintenanceSummary = {
  maintenanceRequestId: z.string(),
  status: z.string(),
  equipmentId: z.string(),
  equipmentName: z.optional(z.string()),
  problem: z.string(),
  priority: z.string(),
  origin: z.string(),
  /** Raised from a downtime event: the stop's identity on the unit. */
  downtimeStart: z.optional(z.string()),
  planId: z.optional(z.string()),
  occurrence: z.optional(z.int()),
  plannedWindow: z.optional(MaintenanceWindowSchema),
  assigneeId: z.optional(z.string()),
  assigneeName: z.optional(z.string()),
  version: z.int(),
  by: z.string(),
};

const DeviceSummary = {
  deviceId: z.string(),
  kind: z.string(),
  name: z.string(),
  clientId: z.string(),
  units: z.array(z.string()),
  version: z.int(),
};
const DocumentSummary = { documentId: z.string(), version: z.int(), title: z.string(), kind: z.string(), status: z.string() };
/** What every recall event says of its recall. */
const RecallSummary = {
  recallId: z.string(),
  root: z.object({ kind: z.enum(['lot', 'serial']), id: z.string() }),
  materialId: z.string(),
  reason: z.string(),
  status: z.string(),
};

/** What every labor event says of its entry (issue 18). */
const LaborSummary = {
  entryId: z.string(),
  personnelId: z.string(),
  personName: z.string(),
  workOrderId: z.optional(z.string()),
  seq: z.optional(z.int()),
  kind: z.optional(z.enum(['setup', 'run', 'rework'])),
  reasonCode: z.optional(z.string()),
  startedAt: z.string(),
  /** A supervisor's accepted qualification override of this clock-on: who, why, their signature, what was missing. */
  overriddenBy: z.optional(z.string()),
  overrideReason: z.optional(z.string()),
  overrideSignatureId: z.optional(z.string()),
  missing: z.optional(z.array(MissingQualificationSchema)),
  by: z.string(),
};

/** The data of each event type, schemaVersion 1. Fields are only ever added within a version. */
export const EVENT_DATA = {
  'work-order.released': z.object({
    ...OrderSummary,
    routingId: z.string(),
    operations: z.array(z.object({ seq: z.int(), name: z.string(), workCenterId: z.string() })),
  }),
  'work-order.started': z.object(OrderSummary),
  /** `nonconformanceId` when a nonconformance put it on hold; `inspectionId` and `characteristicIds` when an SPC rule violation did (issue 15). */
  'work-order.held': z.object({
    ...OrderSummary,
    reason: z.string(),
    kind: z.string(),
    comment: z.optional(z.string()),
    nonconformanceId: z.optional(z.string()),
    inspectionId: z.optional(z.string()),
    characteristicIds: z.optional(z.array(z.string())),
  }),
  'work-order.resumed': z.object(OrderSummary),
  'work-order.completed': z.object(OrderSummary),
  'work-order.cancelled': z.object({ ...OrderSummary, reason: z.string() }),
  'work-order.closed': z.object(OrderSummary),
  /** Its batch record released by the last signature its policy requires (issue 16): the record's content hash and who signed. */
  'work-order.record-released': z.object({
    ...OrderSummary,
    recordReleasedAt: z.string(),
    recordHash: z.string(),
    signatures: z.array(z.object({ signatureId: z.string(), meaning: z.string(), signerId: z.string(), printedName: z.string() })),
  }),
  'operation.started': z.object({ ...OrderSummary, ...OperationRef, name: z.string(), by: z.string() }),
  /**
   * Issue 18: the operation started (`by`) although qualifications were missing, because a supervisor signed an override;
   * on the order's outbox. Or a person (`personnelId`, their labor `entryId`) was clocked on it so: on the person's labor outbox.
   */
  'qualification.overridden': z.object({
    ...OrderSummary,
    ...OperationRef,
    name: z.string(),
    by: z.string(),
    personnelId: z.optional(z.string()),
    personName: z.optional(z.string()),
    entryId: z.optional(z.string()),
    overriddenBy: z.string(),
    overriddenByName: z.string(),
    reason: z.string(),
    signatureId: z.string(),
    missing: z.array(MissingQualificationSchema),
  }),
  'operation.completed': z.object({
    ...OrderSummary,
    ...OperationRef,
    goodQty: z.number(),
    scrapQty: z.number(),
    scrapByReason: z.record(z.string(), z.number()),
    recordVersion: z.optional(z.int()),
    by: z.string(),
  }),
  'production.reported': z.object({
    ...OrderSummary,
    ...OperationRef,
    /** This report's quantities: what the ERP books as a confirmation. */
    goodQty: z.number(),
    scrapQty: z.number(),
    scrapReasonCode: z.optional(z.string()),
    /** The operation's totals after this report. */
    operationGoodQty: z.number(),
    operationScrapQty: z.number(),
    /** The MES audit record of this report; a production.corrected names it as `corrects`. */
    recordVersion: z.optional(z.int()),
    by: z.string(),
  }),
  'operation.reopened': z.object({
    ...OrderSummary,
    ...OperationRef,
    name: z.string(),
    reason: z.string(),
    /** Later operations that had not started and are waiting again. */
    pendingAgain: z.array(z.int()),
    by: z.string(),
  }),
  'production.corrected': z.object({
    ...OrderSummary,
    ...OperationRef,
    remainingQty: z.number(),
    /** The audit record (recordVersion of its production.reported / operation.completed) corrected. */
    corrects: z.int(),
    /** This correction's own audit record. */
    recordVersion: z.int(),
    /** What to book: the difference to what the corrected report said. */
    goodQtyDelta: z.number(),
    scrapQtyDelta: z.number(),
    scrapByReasonDelta: z.record(z.string(), z.number()),
    /** What the corrected report says now. */
    goodQty: z.number(),
    scrapQty: z.number(),
    scrapByReason: z.record(z.string(), z.number()),
    /** The operation's totals after the correction. */
    operationGoodQty: z.number(),
    operationScrapQty: z.number(),
    operationScrapByReason: z.record(z.string(), z.number()),
    reason: z.string(),
    by: z.string(),
  }),
  /** Units reported good at an operation, scrapped there by a nonconformance's disposition (issue 15). */
  'production.scrapped': z.object({
    ...OrderSummary,
    ...OperationRef,
    quantity: z.number(),
    scrapReasonCode: z.string(),
    operationGoodQty: z.number(),
    operationScrapQty: z.number(),
    nonconformanceId: z.string(),
  }),
  /** A rework operation a nonconformance's disposition added (issue 15), READY, outside the order's flow. */
  'operation.added': z.object({
    ...OrderSummary,
    ...OperationRef,
    name: z.string(),
    afterSeq: z.int(),
    quantity: z.number(),
    nonconformanceId: z.string(),
  }),
  'material.consumed': z.object({
    ...OrderSummary,
    ...OperationRef,
    /** The lot consumed (or the serial: one unit), its material, how much, and what the lot has left. */
    lotId: z.optional(z.string()),
    serialId: z.optional(z.string()),
    consumedMaterialId: z.string(),
    consumedQty: z.number(),
    uom: z.string(),
    lotQuantityLeft: z.optional(z.number()),
    /** Consumed by a backflush at a report (from lots staged at the work center), not scanned. */
    backflush: z.optional(z.boolean()),
    by: z.string(),
  }),
  'material.produced': z.object({
    ...OrderSummary,
    ...OperationRef,
    /** What the order's last operation made of its lot- or serial-tracked material: the lot the good went into, or their serial numbers. */
    materialId: z.string(),
    uom: z.string(),
    /** Made by this report (the order's total is producedQty). */
    madeQty: z.number(),
    lotId: z.optional(z.string()),
    /** The lot's quantity after this production. */
    lotQuantity: z.optional(z.number()),
    serials: z.optional(z.array(z.string())),
    by: z.string(),
  }),
  'lot.received': z.object({ ...LotSummary, by: z.string() }),
  /** `recallId` when a recall held it. */
  'lot.held': z.object({
    ...LotSummary,
    reason: z.string(),
    recallId: z.optional(z.string()),
    nonconformanceId: z.optional(z.string()),
    by: z.string(),
  }),
  'lot.released': z.object({ ...LotSummary, comment: z.optional(z.string()), by: z.string() }),
  'lot.split': z.object({
    ...LotSummary,
    /** The new lots split off, each with its quantity; the lot's own quantity is what is left. */
    parts: z.array(z.object({ lotId: z.string(), quantity: z.number() })),
    by: z.string(),
  }),
  'lot.merged': z.object({
    ...LotSummary,
    /** The lots merged into this new one, each with what it gave (all it had: each is consumed now). */
    sources: z.array(z.object({ lotId: z.string(), quantity: z.number() })),
    by: z.string(),
  }),
  'lot.scrapped': z.object({ ...LotSummary, scrappedQty: z.number(), reasonCode: z.string(), by: z.string() }),
  'lot.staged': z.object({ ...LotSummary, stagedAt: z.nullable(z.string()), by: z.string() }),
  'lot.shipped': z.object({ ...LotSummary, shippedQty: z.number(), reference: z.optional(z.string()), by: z.string() }),
  'serial.held': z.object({
    ...SerialSummary,
    reason: z.string(),
    recallId: z.optional(z.string()),
    nonconformanceId: z.optional(z.string()),
    by: z.string(),
  }),
  'serial.released': z.object({ ...SerialSummary, comment: z.optional(z.string()), by: z.string() }),
  'serial.shipped': z.object({ ...SerialSummary, reference: z.optional(z.string()), by: z.string() }),
  /** Scrapped by a nonconformance's disposition (issue 15). */
  'serial.scrapped': z.object({ ...SerialSummary, reasonCode: z.string(), nonconformanceId: z.optional(z.string()), by: z.string() }),
  /** Back to its supplier (a nonconformance's return-to-supplier disposition, issue 15). */
  'lot.returned': z.object({
    ...LotSummary,
    returnedQty: z.number(),
    nonconformanceId: z.optional(z.string()),
    by: z.string(),
  }),
  'nonconformance.opened': z.object({
    ...NonconformanceSummary,
    description: z.string(),
    holds: NonconformanceHolds,
    reportedBy: z.string(),
    reportedByName: z.string(),
  }),
  /** A disposition decided; for use-as-is, `approvedBy` once a second person approved it (or `rejectedBy`). */
  'nonconformance.dispositioned': z.object({
    ...NonconformanceSummary,
    disposition: z.string(),
    decidedBy: z.string(),
    approvedBy: z.optional(z.string()),
    rejectedBy: z.optional(z.string()),
    reworkSeq: z.optional(z.int()),
    by: z.string(),
  }),
  'nonconformance.closed': z.object({ ...NonconformanceSummary, disposition: z.string(), holds: NonconformanceHolds, by: z.string() }),
  'recall.started': z.object({ ...RecallSummary, by: z.string() }),
  'recall.completed': z.object({
    ...RecallSummary,
    counts: z.object({ nodes: z.int(), held: z.int(), alreadyHeld: z.int(), consumed: z.int(), scrapped: z.int(), shipped: z.int() }),
    /** What had left the plant (the first RECALL_EVENT_SHIPPED_MAX; GET /v1/recalls/{id} lists all), with the shipments' references. */
    shipped: z.array(
      z.object({
        kind: z.enum(['lot', 'serial']),
        id: z.string(),
        materialId: z.string(),
        materialName: z.optional(z.string()),
        quantity: z.number(),
        uom: z.optional(z.string()),
        references: z.array(z.string()),
      }),
    ),
    shippedListed: z.int(),
    by: z.string(),
  }),
  /** An inspection's result (issue 15, docs/quality.md): each attempt is one event; `passed` says how it went. */
  'inspection.recorded': z.object({
    ...OrderSummary,
    ...OperationRef,
    /** `{workOrderId}~{seq}~{planId}~{k}`. */
    inspectionId: z.string(),
    /** 1 for the first result; a re-inspection by quality (of a failed one) is the next. */
    attempt: z.int(),
    planId: z.string(),
    planVersion: z.int(),
    k: z.int(),
    lotId: z.optional(z.string()),
    result: z.enum(['passed', 'failed']),
    passed: z.boolean(),
    sampleSize: z.int(),
    defectiveUnits: z.int(),
    /** An AQL plan's acceptance and rejection numbers (ISO 2859-1). */
    ac: z.optional(z.int()),
    re: z.optional(z.int()),
    characteristics: z.array(
      z.object({ characteristicId: z.string(), kind: z.enum(['variable', 'attribute']), defectives: z.int(), passed: z.boolean() }),
    ),
    reason: z.optional(z.string()),
    by: z.string(),
  }),
  /** A point written against a frozen baseline broke Nelson rules: which, the point, the limits, and the order and operation when known. */
  'quality.spc-violation': z.object({
    characteristicId: z.string(),
    baselineVersion: z.int(),
    rules: z.array(z.object({ rule: z.int(), words: z.string(), westernElectric: z.boolean() })),
    point: z.object({ at: z.string(), value: z.number(), n: z.int(), subgroupId: z.string() }),
    limits: z.object({ centre: z.number(), ucl: z.number(), lcl: z.number() }),
    workOrderId: z.optional(z.string()),
    seq: z.optional(z.int()),
  }),
  'quality.baseline-frozen': z.object({
    characteristicId: z.string(),
    version: z.int(),
    chart: z.string(),
    subgroupSize: z.nullable(z.int()),
    limits: z.object({ centre: z.number(), ucl: z.number(), lcl: z.number() }),
    from: z.string(),
    to: z.string(),
    points: z.int(),
    reason: z.string(),
    by: z.string(),
  }),
  /** A new draft version of a controlled document (issue 16); `withdrew`: the draft or version in review it replaced. */
  'document.drafted': z.object({ ...DocumentSummary, withdrew: z.optional(z.int()), by: z.string() }),
  'document.submitted': z.object({ ...DocumentSummary, by: z.string() }),
  /** Approved by its signatures; in force from `effectiveFrom`, when the version in force before (`supersedes`) stops being. */
  'document.approved': z.object({
    ...DocumentSummary,
    contentHash: z.string(),
    effectiveFrom: z.string(),
    supersedes: z.optional(z.int()),
    signatures: z.array(z.object({ signerId: z.string(), printedName: z.string(), meaning: z.string(), signedAt: z.string() })),
    by: z.string(),
  }),
  /**
   * An electronic signature applied to a record (issue 16, docs/part-11.md), on that record's own
   * outbox and sequence: the envelope names the record as its other events do (workOrderId,
   * nonconformanceId, lotId; a document's `documentId`). `performed` names the action the
   * signature completed (the policy's last signature), if any.
   */
  'signature.applied': z.object({
    signatureId: z.string(),
    recordType: z.string(),
    recordId: z.string(),
    meaning: z.string(),
    meaningText: z.string(),
    signerId: z.string(),
    printedName: z.string(),
    signedAt: z.string(),
    contentHash: z.string(),
    performed: z.optional(z.string()),
  }),
  /** A unit or gateway registered (issue 17): it may connect with the credentials its admin was given. */
  'device.registered': z.object({ ...DeviceSummary, by: z.string() }),
  /** A device revoked: its credentials stopped working and its connection was closed. */
  'device.revoked': z.object({ ...DeviceSummary, reason: z.string(), by: z.string() }),
  /** A person clocked on an operation (`workOrderId`, `seq`, `kind`) or an indirect activity (`reasonCode`) (issue 18, docs/labor.md). */
  'labor.clocked-on': z.object({ ...LaborSummary }),
  /** A person clocked off; `endReason` when not by their own clock-off (`operation-completed`, `order-cancelled`, `switched`). */
  'labor.clocked-off': z.object({ ...LaborSummary, endedAt: z.string(), endReason: z.optional(z.string()) }),
  /** The alert of 11.300(d): signing locked for a user after repeated wrong passwords. */
  'security.signing-locked': z.object({
    userId: z.string(),
    name: z.string(),
    failedAttempts: z.array(z.string()),
    lockedUntil: z.string(),
  }),
  'maintenance-request.created': z.object(MaintenanceSummary),
  'maintenance-request.planned': z.object(MaintenanceSummary),
  'maintenance-request.assigned': z.object(MaintenanceSummary),
  'maintenance-request.started': z.object({ ...MaintenanceSummary, startedAt: z.string() }),
  /** The work done, the parts used and the labor minutes: what a CMMS books against the unit. */
  'maintenance-request.completed': z.object({
    ...MaintenanceSummary,
    startedAt: z.optional(z.string()),
    completedAt: z.string(),
    workDone: z.string(),
    parts: z.array(MaintenancePartSchema),
    laborMinutes: z.optional(z.number()),
  }),
  'maintenance-request.cancelled': z.object({ ...MaintenanceSummary, reason: z.string() }),
} as const satisfies Record<(typeof EVENT_TYPES)[number], z.ZodMiniType>;

/** The body of every outbound webhook: the Standard Webhooks shape plus the MES envelope. */
export const webhookPayloadSchema = <T extends (typeof EVENT_TYPES)[number]>(type: T) =>
  z.object({
    /** Event id, also the `webhook-id` header. */
    id: z.string(),
    type: z.literal(type),
    /** When it happened in the MES (the state change's commit time). */
    timestamp: Timestamp,
    schemaVersion: z.literal(1),
    tenantId: z.string(),
    /** What the event is about: its work order, or its lot, serial or recall for their events (`lot.*`, `serial.*`, `recall.*`). */
    ...(isLotEventType(type)
      ? { lotId: z.string() }
      : isSerialEventType(type)
        ? { serialId: z.string() }
        : isRecallEventType(type)
          ? { recallId: z.string() }
          : isNonconformanceEventType(type)
            ? { nonconformanceId: z.string() }
            : isSpcEventType(type)
              ? { characteristicId: z.string() }
              : type === 'signature.applied'
                ? {
                    workOrderId: z.optional(z.string()),
                    nonconformanceId: z.optional(z.string()),
                    lotId: z.optional(z.string()),
                    documentId: z.optional(z.string()),
                  }
                : type === 'security.signing-locked'
                  ? {}
                  : isDeviceEventType(type)
                    ? { deviceId: z.string() }
                    : isDocumentEventType(type)
                      ? { documentId: z.string() }
                      : isLaborEventType(type)
                        ? { personnelId: z.string(), workOrderId: z.optional(z.string()) }
                        : type === 'qualification.overridden'
                          ? // On the order's outbox; a clock-on's is on the person's labor outbox (its sequence is theirs).
                            { workOrderId: z.string(), personnelId: z.optional(z.string()) }
                          : isMaintenanceEventType(type)
                            ? { maintenanceRequestId: z.string() }
                            : { workOrderId: z.string() }),
    /** Per work order (per lot for a lot event), gap-free, from 1: a receiver orders and spots gaps with it. */
    sequence: z.int(),
    data: EVENT_DATA[type],
  });

export type CreateWebhookEndpoint = z.infer<typeof CreateWebhookEndpointSchema>;
export type PatchWebhookEndpoint = z.infer<typeof PatchWebhookEndpointSchema>;
export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;
export type WebhookMessage = z.infer<typeof WebhookMessageSchema>;
export type WebhookAttempt = z.infer<typeof WebhookAttemptSchema>;
export type IntegrationCredential = z.infer<typeof IntegrationCredentialSchema>;
export type ErpEventResult = z.infer<typeof ErpEventResultSchema>;
export type ProductionOrderUpserted = z.infer<typeof ProductionOrderUpsertedSchema>;

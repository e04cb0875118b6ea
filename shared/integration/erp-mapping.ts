/**
 * From the ERP's ISA-95 vocabulary to the MES's own inputs. A JSON event is checked against its
 * type's schema (ERP_EVENT_DATA), then mapped onto CreateWorkOrder, MaterialInput, BomInput or
 * RoutingInput; every problem is reported at a JSON pointer into what the ERP sent
 * (`/body/data/...`), in its own field names. No I/O here: the services check references.
 */
import type * as z from 'zod/mini';
import {
  ERP_EVENT_DATA,
  ERP_EVENT_TYPES,
  ErpEventEnvelopeSchema,
  type ErpEventType,
  type ProductionOrderUpserted,
} from '../api/integration-schemas.ts';
import { BomInputSchema, type CreateWorkOrder, MaterialInputSchema, RoutingInputSchema } from '../api/schemas.ts';
import type { MasterDataInputs, MasterDataKind } from '../domain/master-data/model.ts';
import { type FieldError, UnitOfMeasureError, UnknownEventTypeError, ValidationError } from '../domain/errors.ts';
import { withUnitCodes } from '../domain/master-data/units.ts';
import type { Reference } from '../domain/master-data/service.ts';
import type { ReferenceField } from '../domain/work-order/service.ts';
import type { ReceiveField, ReceiveLotInput } from '../domain/tracking/lot-service.ts';

/** A production order to create or change, and where each of its fields came from. */
export interface OrderUpsert {
  kind: 'production-order.upserted';
  order: CreateWorkOrder & { id: string; unitOfMeasure?: string | undefined };
  pointer: (field: ReferenceField) => string;
}
export interface OrderCancel {
  kind: 'production-order.cancelled';
  id: string;
  reason: string;
  pointer: string;
}
/** The master data the ERP sends. */
type ErpMasterDataKind = 'material' | 'bom' | 'routing';
export interface MasterDataUpsert<K extends ErpMasterDataKind = ErpMasterDataKind> {
  kind: 'master-data';
  entity: K;
  id: string;
  input: MasterDataInputs[K];
  references: Reference[];
}
/** A goods receipt: a lot to receive, and where each of its fields came from. */
export interface LotReceipt {
  kind: 'lot.received';
  input: ReceiveLotInput;
  pointer: (field: ReceiveField) => string;
}
export type ErpChange = OrderUpsert | OrderCancel | MasterDataUpsert | LotReceipt;

const isKnownType = (type: string): type is ErpEventType => (ERP_EVENT_TYPES as readonly string[]).includes(type);

/** Zod issues as field errors, each path spelled in the sender's names under `base`. */
export function fieldErrors(
  issues: readonly z.core.$ZodIssue[],
  base: string,
  rename: (path: readonly PropertyKey[]) => string[] = (p) => p.map(String),
): FieldError[] {
  return issues.map((issue) => ({ pointer: [base, ...rename(issue.path)].join('/'), detail: issue.message }));
}

/** A JSON event: the envelope, its type, its data; then the change it asks for. */
export function parseJsonEvent(rawBody: string): { type: ErpEventType; changes: ErpChange[] } {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch (error) {
    throw new ValidationError([{ pointer: '/body', detail: `is not valid JSON: ${(error as Error).message}` }]);
  }
  const envelope = ErpEventEnvelopeSchema.safeParse(body);
  if (!envelope.success) throw new ValidationError(fieldErrors(envelope.error.issues, '/body'));
  const { type, data } = envelope.data;
  if (!isKnownType(type)) throw new UnknownEventTypeError('/body/type', type, ERP_EVENT_TYPES);
  const parsed = ERP_EVENT_DATA[type].safeParse(data);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error.issues, '/body/data'));
  return { type, changes: [toChange(type, parsed.data, '/body/data')] };
}

function toChange(type: ErpEventType, data: unknown, base: string): ErpChange {
  switch (type) {
    case 'production-order.upserted':
      return orderUpsert(data as ProductionOrderUpserted, (field) => `${base}/${field}`);
    case 'production-order.cancelled': {
      const d = data as z.infer<(typeof ERP_EVENT_DATA)['production-order.cancelled']>;
      return { kind: 'production-order.cancelled', id: d.id, reason: `Cancelled by ERP: ${d.reason ?? 'no reason given'}`, pointer: `${base}/id` };
    }
    case 'material.upserted':
      return material(data as z.infer<(typeof ERP_EVENT_DATA)['material.upserted']>, base);
    case 'bom.upserted':
      return bom(data as z.infer<(typeof ERP_EVENT_DATA)['bom.upserted']>, base);
    case 'routing.upserted':
      return routing(data as z.infer<(typeof ERP_EVENT_DATA)['routing.upserted']>, base);
    case 'lot.received':
      return lotReceipt(data as z.infer<(typeof ERP_EVENT_DATA)['lot.received']>, base);
  }
}

/** The MES field each ISA-95 production request field becomes. */
export const ORDER_FIELDS = {
  materialId: 'materialDefinitionId',
  routingId: 'operationsDefinitionId',
  bomId: 'billOfMaterialId',
  workCenterId: 'equipmentId',
  unitOfMeasure: 'unitOfMeasure',
  quantity: 'quantity',
} as const satisfies Record<ReferenceField, keyof ProductionOrderUpserted>;

/**
 * A production request as a CreateWorkOrder. earliestStartTime has no place in a work order
 * (the MES dispatches by priority and due date): it is accepted and not stored.
 */
export function orderUpsert(d: ProductionOrderUpserted, pointerOf: (field: keyof ProductionOrderUpserted) => string): OrderUpsert {
  return {
    kind: 'production-order.upserted',
    order: {
      id: d.id,
      materialId: d.materialDefinitionId,
      quantity: d.quantity,
      routingId: d.operationsDefinitionId,
      ...(d.billOfMaterialId ? { bomId: d.billOfMaterialId } : {}),
      dueDate: d.latestEndTime,
      // Omitted means the default, as on create: the event is the ERP's full view of the order.
      priority: d.priority ?? 500,
      ...(d.equipmentId ? { workCenterId: d.equipmentId } : {}),
      ...(d.externalReference ? { externalRef: d.externalReference } : {}),
      ...(d.unitOfMeasure ? { unitOfMeasure: d.unitOfMeasure } : {}),
    },
    pointer: (field) => pointerOf(ORDER_FIELDS[field]),
  };
}

/**
 * Parses the mapped input with the MES schema (its defaults and cross-field rules, e.g. unique
 * operation numbers), reporting at the ERP's names.
 */
function internal<T>(schema: z.ZodMiniType<T>, input: unknown, base: string, names: Record<string, string>): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw new ValidationError(fieldErrors(parsed.error.issues, base, (p) => p.map((k) => (typeof k === 'string' ? (names[k] ?? k) : String(k)))));
  return parsed.data;
}

/** The MES field names the ERP spells differently, for pointers into what it sent. */
const ERP_NAMES: Record<string, string> = {
  uom: 'unitOfMeasure',
  materialId: 'materialDefinitionId',
  quantityPer: 'quantity',
  operationSeq: 'operationSequence',
};

function masterData<K extends ErpMasterDataKind>(
  entity: K,
  id: string,
  input: MasterDataInputs[K],
  references: Reference[],
  base: string,
): MasterDataUpsert<K> {
  // Units as their codes (the ERP's 'ST' or 'kg' is H87 or KGM); an unknown one is a 422 at the ERP's field.
  const units = withUnitCodes(entity, input);
  if (units.problems.length) {
    throw new UnitOfMeasureError(
      units.problems.map((p) => ({
        pointer: [base, ...p.path.map((k) => (typeof k === 'string' ? (ERP_NAMES[k] ?? k) : String(k)))].join('/'),
        detail: p.detail,
      })),
    );
  }
  return { kind: 'master-data', entity, id, input: units.input, references };
}
const ref = (kind: MasterDataKind, id: string, pointer: string): Reference => ({ kind, id, pointer });

function material(d: z.infer<(typeof ERP_EVENT_DATA)['material.upserted']>, base: string) {
  const input = internal(
    MaterialInputSchema,
    {
      name: d.description,
      uom: d.unitOfMeasure,
      ...(d.materialType ? { materialType: d.materialType } : {}),
      ...(d.materialClassId ? { materialClass: d.materialClassId } : {}),
    },
    base,
    { name: 'description', uom: 'unitOfMeasure', materialClass: 'materialClassId' },
  );
  return masterData('material', d.id, input, [], base);
}

function bom(d: z.infer<(typeof ERP_EVENT_DATA)['bom.upserted']>, base: string) {
  const input = internal(
    BomInputSchema,
    {
      materialId: d.materialDefinitionId,
      ...(d.baseQuantity !== undefined ? { baseQuantity: d.baseQuantity } : {}),
      components: d.components.map((c) => ({
        materialId: c.materialDefinitionId,
        quantityPer: c.quantity,
        ...(c.unitOfMeasure ? { uom: c.unitOfMeasure } : {}),
        operationSeq: c.operationSequence,
      })),
    },
    base,
    { materialId: 'materialDefinitionId', quantityPer: 'quantity', uom: 'unitOfMeasure', operationSeq: 'operationSequence' },
  );
  return masterData(
    'bom',
    d.id,
    input,
    [
      ref('material', d.materialDefinitionId, `${base}/materialDefinitionId`),
      ...d.components.map((c, i) => ref('material', c.materialDefinitionId, `${base}/components/${i}/materialDefinitionId`)),
    ],
    base,
  );
}

function routing(d: z.infer<(typeof ERP_EVENT_DATA)['routing.upserted']>, base: string) {
  const input = internal(
    RoutingInputSchema,
    {
      materialId: d.materialDefinitionId,
      ...(d.description ? { name: d.description } : {}),
      operations: d.operations.map((o) => ({
        seq: o.sequence,
        name: o.description,
        workCenterId: o.equipmentId,
        ...(o.standardTimeSeconds !== undefined ? { standardTimeSeconds: o.standardTimeSeconds } : {}),
        ...(o.setupTimeSeconds !== undefined ? { setupTimeSeconds: o.setupTimeSeconds } : {}),
        ...(o.workInstructions !== undefined ? { instructions: o.workInstructions } : {}),
        ...(o.dataToRecord ? { dataToRecord: o.dataToRecord } : {}),
      })),
    },
    base,
    { materialId: 'materialDefinitionId', seq: 'sequence', workCenterId: 'equipmentId', instructions: 'workInstructions' },
  );
  return masterData(
    'routing',
    d.id,
    input,
    [
      ref('material', d.materialDefinitionId, `${base}/materialDefinitionId`),
      ...d.operations.map((o, i) => ref('equipment', o.equipmentId, `${base}/operations/${i}/equipmentId`)),
    ],
    base,
  );
}

/** The MES field each goods receipt field becomes. */
const LOT_FIELDS = {
  id: 'id',
  materialId: 'materialDefinitionId',
  quantity: 'quantity',
  uom: 'unitOfMeasure',
  stagedAt: 'storageLocation',
} as const satisfies Record<ReceiveField, keyof z.infer<(typeof ERP_EVENT_DATA)['lot.received']>>;

function lotReceipt(d: z.infer<(typeof ERP_EVENT_DATA)['lot.received']>, base: string): LotReceipt {
  return {
    kind: 'lot.received',
    input: {
      ...(d.id ? { id: d.id } : {}),
      materialId: d.materialDefinitionId,
      quantity: d.quantity,
      ...(d.unitOfMeasure ? { uom: d.unitOfMeasure } : {}),
      ...(d.supplierId ? { supplierId: d.supplierId } : {}),
      ...(d.supplierLotId ? { supplierLot: d.supplierLotId } : {}),
      ...(d.expirationTime ? { expiresAt: d.expirationTime } : {}),
      ...(d.externalReference ? { externalRef: d.externalReference } : {}),
      ...(d.storageLocation ? { stagedAt: d.storageLocation } : {}),
    },
    pointer: (field) => `${base}/${LOT_FIELDS[field]}`,
  };
}

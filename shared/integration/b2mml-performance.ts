/**
 * Outbound B2MML (MESA, B2MML V0600 names, also valid V0700 names): the production events an
 * endpoint with `format: 'b2mml'` receives, each as one `ProductionPerformance` document built
 * from the JSON event's data alone (docs/webhooks.md, "B2MML out"):
 *
 *   ProductionPerformance          ID = event id, Description = event type, PublishedDate = when
 *     HierarchyScope               the tenant, at Enterprise level
 *     ProductionResponse           one, for the order: ID and ProductionRequestID = order id
 *       SegmentResponse            one, for the operation (ID = its seq): times, work center,
 *                                  person, quantities (ProductionData), SegmentState
 *         MaterialActual           material.consumed (MaterialUse Consumed) and
 *                                  material.produced (Produced): material, lot, serials, quantity
 *       ResponseState              the order's status in B2MML words
 *
 * Text is XML-escaped by the builder, and characters XML 1.0 cannot carry at all (control
 * characters) are dropped first, so the document is well-formed whatever a name holds.
 */
import { XMLBuilder } from 'fast-xml-parser';
import * as z from 'zod/mini';
import { hasB2mmlForm } from '../api/integration-schemas.ts';
import type { OutboxEvent } from '../domain/work-order/model.ts';

export const B2MML_NAMESPACE = 'http://www.mesa.org/xml/B2MML-V0600';

/** What the documents read of an event's data (docs/webhooks.md); anything else is ignored. */
const EventDataSchema = z.object({
  workOrderId: z.string(),
  materialId: z.string(),
  uom: z.optional(z.string()),
  status: z.string(),
  seq: z.optional(z.int()),
  workCenterId: z.optional(z.string()),
  /** The operation's start, where an event carries it (ActualStartTime of a completion). */
  startedAt: z.optional(z.string()),
  goodQty: z.optional(z.number()),
  scrapQty: z.optional(z.number()),
  scrapReasonCode: z.optional(z.string()),
  scrapByReason: z.optional(z.record(z.string(), z.number())),
  producedQty: z.optional(z.number()),
  // material.consumed
  lotId: z.optional(z.string()),
  serialId: z.optional(z.string()),
  consumedMaterialId: z.optional(z.string()),
  consumedQty: z.optional(z.number()),
  // material.produced: what this report made (producedQty is the order's total)
  madeQty: z.optional(z.number()),
  serials: z.optional(z.array(z.string())),
  by: z.optional(z.string()),
});
type EventData = z.infer<typeof EventDataSchema>;

/** Work order status -> B2MML ResponseState / SegmentState. */
const RESPONSE_STATE: Record<string, string> = {
  RELEASED: 'Ready',
  IN_PROGRESS: 'Running',
  ON_HOLD: 'Held',
  COMPLETED: 'Completed',
  CLOSED: 'Closed',
  CANCELLED: 'Aborted',
};

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  // Escapes &, <, >, " and ' in text and attribute values.
  processEntities: true,
});

// Not allowed anywhere in an XML 1.0 document, not even as character references.
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const text = (v: string) => v.replace(NOT_XML, '');

type Element = Record<string, unknown>;

/** A B2MML QuantityValueType. */
const quantity = (value: number, uom: string | undefined): Element => ({
  QuantityString: String(value),
  DataType: 'double',
  ...(uom ? { UnitOfMeasure: text(uom) } : {}),
});

/** A ProductionData with a quantity value, and one nested per reason where given. */
const productionData = (id: string, value: number, uom: string | undefined, byReason?: Record<string, number>): Element => ({
  ID: id,
  Value: { ValueString: String(value), DataType: 'double', ...(uom ? { UnitOfMeasure: text(uom) } : {}) },
  ...(byReason && Object.keys(byReason).length
    ? { ProductionData: Object.entries(byReason).map(([reason, qty]) => productionData(text(reason), qty, uom)) }
    : {}),
});

function materialActual(type: string, d: EventData): Element | undefined {
  if (type === 'material.consumed') {
    if (d.consumedQty === undefined) return undefined;
    return {
      MaterialDefinitionID: text(d.consumedMaterialId ?? d.materialId),
      ...(d.lotId ? { MaterialLotID: text(d.lotId) } : {}),
      ...(d.serialId ? { MaterialSubLotID: text(d.serialId) } : {}),
      MaterialUse: 'Consumed',
      Quantity: quantity(d.consumedQty, d.uom),
    };
  }
  if (type === 'material.produced') {
    const serials = d.serials ?? [];
    const made = d.madeQty ?? serials.length;
    return {
      MaterialDefinitionID: text(d.materialId),
      ...(d.lotId ? { MaterialLotID: text(d.lotId) } : {}),
      ...(serials.length ? { MaterialSubLotID: serials.map(text) } : {}),
      MaterialUse: 'Produced',
      Quantity: quantity(made, d.uom),
    };
  }
  return undefined;
}

function segmentResponse(event: OutboxEvent, d: EventData): Element | undefined {
  if (d.seq === undefined) return undefined;
  const at = event.occurredAt;
  const completed = event.type === 'operation.completed';
  // A report or a movement happens at one instant; a completion ends the operation then.
  const start = completed ? d.startedAt : at;
  const good = d.goodQty;
  const scrap = d.scrapQty;
  const scrapByReason = d.scrapByReason ?? (d.scrapReasonCode && scrap ? { [d.scrapReasonCode]: scrap } : undefined);
  const data = [
    ...(good !== undefined ? [productionData('GoodQuantity', good, d.uom)] : []),
    ...(scrap !== undefined ? [productionData('ScrapQuantity', scrap, d.uom, scrapByReason)] : []),
  ];
  const material = materialActual(event.type, d);
  return {
    ID: String(d.seq),
    ...(start ? { ActualStartTime: text(start) } : {}),
    ActualEndTime: at,
    ...(data.length ? { ProductionData: data } : {}),
    ...(d.by ? { PersonnelActual: { PersonID: text(d.by) } } : {}),
    ...(d.workCenterId ? { EquipmentActual: { EquipmentID: text(d.workCenterId) } } : {}),
    ...(material ? { MaterialActual: material } : {}),
    SegmentState: completed ? 'Completed' : 'Running',
  };
}

/**
 * The event as a B2MML ProductionPerformance document, or undefined when it has no B2MML form
 * (its type is not one of B2MML_EVENT_TYPES, or its data lacks what the document needs).
 */
export function productionPerformance(event: OutboxEvent): string | undefined {
  if (!hasB2mmlForm(event.type) || event.workOrderId === undefined) return undefined;
  const parsed = EventDataSchema.safeParse(event.data);
  if (!parsed.success) return undefined;
  const d = parsed.data;
  const segment = segmentResponse(event, d);
  if (event.type.startsWith('material.') && !segment?.MaterialActual) return undefined;
  const orderId = text(d.workOrderId);
  const state = RESPONSE_STATE[d.status];
  const document = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    ProductionPerformance: {
      '@_xmlns': B2MML_NAMESPACE,
      ID: event.id,
      Description: event.type,
      HierarchyScope: { EquipmentID: text(event.tenantId), EquipmentElementLevel: 'Enterprise' },
      PublishedDate: event.occurredAt,
      ProductionResponse: {
        ID: orderId,
        ProductionRequestID: orderId,
        ...(event.type === 'work-order.completed' ? { EndTime: event.occurredAt } : {}),
        ...(segment ? { SegmentResponse: segment } : {}),
        ...(state ? { ResponseState: state } : {}),
      },
    },
  };
  return builder.build(document) as string;
}

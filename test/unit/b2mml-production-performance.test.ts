/**
 * Outbound B2MML: production events as ProductionPerformance documents. Each document is
 * well-formed, in the B2MML namespace, with B2MML V0600 element names in schema order; material
 * movements carry a MaterialActual (Consumed, Produced) with material, lot, serials and quantity;
 * any text is escaped; events with no B2MML form have no document.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { B2MML_EVENT_TYPES, EVENT_TYPES, hasB2mmlForm } from '#shared/api/integration-schemas.ts';
import { openApiDocument } from '#shared/api/openapi.ts';
import type { OutboxEvent } from '#shared/domain/work-order/model.ts';
import { B2MML_NAMESPACE, productionPerformance } from '#shared/integration/b2mml-performance.ts';

const AT = '2026-12-03T15:04:05.678Z';
const ORDER = { workOrderId: 'WO-1001', materialId: 'FG-PUMP', quantity: 10, uom: 'ea', status: 'IN_PROGRESS', producedQty: 0, scrappedQty: 0 };

function event(type: string, data: Record<string, unknown>, workOrderId = 'WO-1001'): OutboxEvent {
  return {
    id: '019ae1a2-7c41-7f3e-9d0a-3b6f2c1e8a55',
    // material.produced is the lead's event (issue 14): not in EVENT_TYPES on this branch yet.
    type: type as OutboxEvent['type'],
    schemaVersion: 1,
    occurredAt: AT,
    tenantId: 'acme',
    workOrderId,
    sequence: 7,
    data: { ...ORDER, workOrderId, ...data },
  };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  isArray: (name) => ['MaterialSubLotID', 'ProductionData'].includes(name),
});
type Node = Record<string, any>;

/** The document, checked well-formed, and parsed (text values stay text). */
function documentOf(e: OutboxEvent): { xml: string; root: Node } {
  const xml = productionPerformance(e);
  assert.ok(xml, `${e.type} has a document`);
  assert.equal(XMLValidator.validate(xml), true, 'well-formed XML');
  const parsed = parser.parse(xml) as Node;
  return { xml, root: parsed.ProductionPerformance as Node };
}

/** The element names directly inside the first `<name>` of the document, in document order. */
function childrenOf(xml: string, name: string): string[] {
  const ordered = new XMLParser({ preserveOrder: true, ignoreAttributes: true }).parse(xml) as Node[];
  const find = (nodes: Node[]): Node[] | undefined => {
    for (const n of nodes) {
      const key = Object.keys(n).find((k) => k !== ':@') as string;
      if (key === name) return n[key] as Node[];
      if (Array.isArray(n[key])) {
        const hit = find(n[key] as Node[]);
        if (hit) return hit;
      }
    }
    return undefined;
  };
  return (find(ordered) ?? []).map((n) => Object.keys(n).find((k) => k !== ':@') as string);
}

const consumed = () =>
  event('material.consumed', {
    seq: 10,
    workCenterId: 'wc-assembly',
    lotId: 'L-000042',
    consumedMaterialId: 'HSG-200',
    consumedQty: 3,
    uom: 'ea',
    lotQuantityLeft: 7,
    by: 'u-operator',
  });

describe('B2MML ProductionPerformance out', () => {
  it('turns material.consumed into a MaterialActual Consumed of the lot, in the operation’s SegmentResponse of the order’s ProductionResponse', () => {
    // Act
    const { xml, root } = documentOf(consumed());

    // Assess
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
    assert.equal(root['@_xmlns'], B2MML_NAMESPACE);
    assert.equal(B2MML_NAMESPACE, 'http://www.mesa.org/xml/B2MML-V0600');
    assert.deepEqual(
      [root.ID, root.Description, root.PublishedDate, root.HierarchyScope],
      ['019ae1a2-7c41-7f3e-9d0a-3b6f2c1e8a55', 'material.consumed', AT, { EquipmentID: 'acme', EquipmentElementLevel: 'Enterprise' }],
    );
    const response = root.ProductionResponse as Node;
    assert.deepEqual([response.ID, response.ProductionRequestID, response.ResponseState], ['WO-1001', 'WO-1001', 'Running']);
    const segment = response.SegmentResponse as Node;
    assert.deepEqual(
      [segment.ID, segment.ActualStartTime, segment.ActualEndTime, segment.SegmentState],
      ['10', AT, AT, 'Running'],
      'a movement happens at one instant',
    );
    assert.deepEqual(segment.EquipmentActual, { EquipmentID: 'wc-assembly' });
    assert.deepEqual(segment.PersonnelActual, { PersonID: 'u-operator' });
    assert.deepEqual(segment.MaterialActual, {
      MaterialDefinitionID: 'HSG-200',
      MaterialLotID: 'L-000042',
      MaterialUse: 'Consumed',
      Quantity: { QuantityString: '3', DataType: 'double', UnitOfMeasure: 'ea' },
    });
  });

  it('puts the elements in B2MML schema order', () => {
    // Act
    const { xml } = documentOf(consumed());
    // Assess: the xs:sequence of each type (B2MML V0600), the elements used here.
    assert.deepEqual(childrenOf(xml, 'ProductionPerformance'), ['ID', 'Description', 'HierarchyScope', 'PublishedDate', 'ProductionResponse']);
    assert.deepEqual(childrenOf(xml, 'ProductionResponse'), ['ID', 'ProductionRequestID', 'SegmentResponse', 'ResponseState']);
    assert.deepEqual(childrenOf(xml, 'SegmentResponse'), [
      'ID',
      'ActualStartTime',
      'ActualEndTime',
      'PersonnelActual',
      'EquipmentActual',
      'MaterialActual',
      'SegmentState',
    ]);
    assert.deepEqual(childrenOf(xml, 'MaterialActual'), ['MaterialDefinitionID', 'MaterialLotID', 'MaterialUse', 'Quantity']);
    assert.deepEqual(childrenOf(xml, 'Quantity'), ['QuantityString', 'DataType', 'UnitOfMeasure']);
  });

  it('turns a material.produced into a MaterialActual Produced of the lot made, with one MaterialSubLotID per serial', () => {
    // Prepare: the event as the lead's produce step writes it (issue 14 contract), by hand.
    const made = event('material.produced', {
      status: 'COMPLETED',
      producedQty: 9,
      madeQty: 3,
      seq: 20,
      workCenterId: 'wc-test',
      materialId: 'FG-PUMP',
      uom: 'ea',
      lotId: 'FG-2026-0001',
      serials: ['SN-0001', 'SN-0002', 'SN-0003'],
      by: 'u-operator',
    });

    // Act
    const { xml, root } = documentOf(made);

    // Assess
    const segment = root.ProductionResponse.SegmentResponse as Node;
    assert.equal(segment.ID, '20');
    assert.deepEqual(segment.MaterialActual, {
      MaterialDefinitionID: 'FG-PUMP',
      MaterialLotID: 'FG-2026-0001',
      MaterialSubLotID: ['SN-0001', 'SN-0002', 'SN-0003'],
      MaterialUse: 'Produced',
      Quantity: { QuantityString: '3', DataType: 'double', UnitOfMeasure: 'ea' },
    });
    assert.equal(root.ProductionResponse.ResponseState, 'Completed');
    assert.deepEqual(childrenOf(xml, 'MaterialActual'), [
      'MaterialDefinitionID',
      'MaterialLotID',
      'MaterialSubLotID',
      'MaterialSubLotID',
      'MaterialSubLotID',
      'MaterialUse',
      'Quantity',
    ]);
  });

  it('names a consumed serial as the MaterialSubLotID, and serials made without a lot by themselves', () => {
    // Act
    const serial = documentOf(
      event('material.consumed', {
        seq: 10,
        workCenterId: 'wc-a',
        serialId: 'MTR-77',
        consumedMaterialId: 'MOTOR',
        consumedQty: 1,
        uom: 'ea',
        by: 'u',
      }),
    ).root.ProductionResponse.SegmentResponse.MaterialActual as Node;
    const units = documentOf(event('material.produced', { seq: 10, workCenterId: 'wc-a', madeQty: 2, serials: ['SN-1', 'SN-2'], by: 'u' })).root
      .ProductionResponse.SegmentResponse.MaterialActual as Node;

    // Assess
    assert.deepEqual(
      [serial.MaterialDefinitionID, serial.MaterialLotID, serial.MaterialSubLotID, serial.MaterialUse],
      ['MOTOR', undefined, ['MTR-77'], 'Consumed'],
    );
    assert.deepEqual([units.MaterialLotID, units.MaterialSubLotID, units.Quantity.QuantityString], [undefined, ['SN-1', 'SN-2'], '2']);
  });

  it('reports good and scrap quantities, scrap by reason, as the operation’s ProductionData', () => {
    // Act
    const completed = documentOf(
      event('operation.completed', {
        status: 'COMPLETED',
        seq: 10,
        workCenterId: 'wc-pack',
        goodQty: 9,
        scrapQty: 1,
        scrapByReason: { BURR: 1 },
        recordVersion: 8,
        by: 'u-operator',
      }),
    ).root.ProductionResponse.SegmentResponse as Node;
    const reported = documentOf(
      event('production.reported', {
        seq: 10,
        workCenterId: 'wc-pack',
        goodQty: 4,
        scrapQty: 1,
        scrapReasonCode: 'DENT',
        operationGoodQty: 4,
        by: 'u',
      }),
    ).root.ProductionResponse.SegmentResponse as Node;

    // Assess
    const value = (v: Node) => [v.ValueString, v.DataType, v.UnitOfMeasure];
    assert.deepEqual(
      (completed.ProductionData as Node[]).map((d) => [d.ID, value(d.Value), (d.ProductionData ?? []).map((r: Node) => [r.ID, value(r.Value)])]),
      [
        ['GoodQuantity', ['9', 'double', 'ea'], []],
        ['ScrapQuantity', ['1', 'double', 'ea'], [['BURR', ['1', 'double', 'ea']]]],
      ],
    );
    assert.equal(completed.SegmentState, 'Completed');
    assert.equal(completed.ActualEndTime, AT);
    assert.equal(completed.ActualStartTime, undefined, 'the event does not say when the operation started');
    assert.equal(completed.MaterialActual, undefined);
    assert.deepEqual(
      (reported.ProductionData as Node[]).map((d) => [d.ID, d.Value.ValueString, (d.ProductionData ?? []).map((r: Node) => r.ID)]),
      [
        ['GoodQuantity', '4', []],
        ['ScrapQuantity', '1', ['DENT']],
      ],
    );
    assert.deepEqual([reported.ActualStartTime, reported.ActualEndTime, reported.SegmentState], [AT, AT, 'Running']);

    const started = documentOf(
      event('operation.completed', { seq: 10, workCenterId: 'wc', goodQty: 1, scrapQty: 0, startedAt: '2026-12-03T14:00:00.000Z' }),
    );
    assert.equal(started.root.ProductionResponse.SegmentResponse.ActualStartTime, '2026-12-03T14:00:00.000Z', 'used where an event carries it');
  });

  it('ends the ProductionResponse of a completed order, with no SegmentResponse', () => {
    // Act
    const { root } = documentOf(event('work-order.completed', { status: 'COMPLETED', producedQty: 9, scrappedQty: 1 }));
    // Assess
    assert.deepEqual(root.ProductionResponse, { ID: 'WO-1001', ProductionRequestID: 'WO-1001', EndTime: AT, ResponseState: 'Completed' });
  });

  it('escapes markup and drops characters XML cannot carry, so any name gives a well-formed document', () => {
    // Prepare
    const nasty = event(
      'material.consumed',
      {
        seq: 10,
        workCenterId: `wc-"a" & 'b'`,
        lotId: 'L-<1>]]>\u0001\u0008',
        consumedMaterialId: 'HSG&<script>',
        consumedQty: 2.5,
        uom: 'kg',
        by: 'u-ö\u{1F600}',
      },
      'WO-<&>',
    );

    // Act
    const { xml, root } = documentOf(nasty);

    // Assess
    assert.ok(!xml.includes('<script>') && !xml.includes('\u0001') && !xml.includes('\u0008'), 'no raw markup, no control characters');
    assert.match(xml, /<MaterialDefinitionID>HSG&amp;&lt;script&gt;<\/MaterialDefinitionID>/);
    const segment = root.ProductionResponse.SegmentResponse as Node;
    const decoded = (s: string) =>
      s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e] as string);
    assert.equal(decoded(root.ProductionResponse.ID), 'WO-<&>');
    assert.equal(decoded(segment.EquipmentActual.EquipmentID), `wc-"a" & 'b'`);
    assert.equal(decoded(segment.MaterialActual.MaterialLotID), 'L-<1>]]>');
    assert.equal(segment.PersonnelActual.PersonID, 'u-ö\u{1F600}');
    assert.equal(segment.MaterialActual.Quantity.QuantityString, '2.5');
  });

  it('lists application/xml in the OpenAPI webhooks of exactly the events with a B2MML form', () => {
    // Act
    const doc = openApiDocument('test') as { webhooks: Record<string, { post: { requestBody: { content: Record<string, unknown> } } }> };
    // Assess
    for (const type of EVENT_TYPES) {
      const media = Object.keys(doc.webhooks[type]?.post.requestBody.content ?? {});
      assert.deepEqual(media, hasB2mmlForm(type) ? ['application/json', 'application/xml'] : ['application/json'], type);
    }
  });

  it('has no document for an event without a B2MML form', () => {
    // Prepare
    const without = EVENT_TYPES.filter((t) => !hasB2mmlForm(t));
    // Act / Assess
    assert.ok(without.includes('lot.held') && without.includes('work-order.released'));
    for (const type of without) assert.equal(productionPerformance(event(type, { seq: 10, workCenterId: 'wc', by: 'u' })), undefined, type);
    assert.deepEqual(
      B2MML_EVENT_TYPES.filter((t) => t !== 'material.produced').filter((t) => !(EVENT_TYPES as readonly string[]).includes(t)),
      [],
      'every other B2MML type is a real event type',
    );
  });
});

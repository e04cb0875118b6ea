/**
 * What an order's good units are made of (shared/domain/work-order/produce.ts): each unit is
 * linked to the lots that covered it, first in, first out per BOM line; scrap widens a unit's
 * stretch so that it is linked to every lot it may have used (never to none); a consumption
 * after units were made covers exactly the units its stretch reaches.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ConsumedMaterial, OperationComponent } from '#shared/domain/tracking/consumption.ts';
import type { Operation, WorkOrderAggregate } from '#shared/domain/work-order/model.ts';
import { produce, unitsCovered } from '#shared/domain/work-order/produce.ts';
import { ctx } from '../fixtures/work-orders.ts';

const housing: OperationComponent = {
  materialId: 'HSG',
  uom: 'EA',
  quantityPer: 1,
  substitutes: [],
  issue: 'manual',
  tolerancePct: 0,
  tracking: 'lot',
};
const lotOf = (id: string, quantity: number): ConsumedMaterial => ({
  materialId: 'HSG',
  node: { kind: 'lot', id },
  quantity,
  backflush: false,
  at: '2026-12-03T10:00:00.000Z',
  by: 'u',
});

/** A one-operation order (its last) that consumed `lots` of housings and scrapped `scrap`. */
function orderOf(lots: ConsumedMaterial[], scrap = 0, quantityPer = 1): { order: WorkOrderAggregate; op: Operation } {
  const op = {
    seq: 10,
    name: 'Assemble',
    workCenterId: 'wc-1',
    status: 'RUNNING',
    goodQty: 0,
    scrapQty: scrap,
    scrapByReason: {},
    recordedData: {},
    dataToRecord: [],
    components: [{ ...housing, quantityPer }],
    consumed: lots,
    version: 1,
  } as unknown as Operation;
  const order = {
    id: 'WO-1',
    materialId: 'PUMP',
    quantity: 100,
    status: 'IN_PROGRESS',
    producedQty: 0,
    scrappedQty: scrap,
    operations: [op],
    eventSeq: 0,
    version: 3,
  } as unknown as WorkOrderAggregate;
  return { order, op };
}

const material = { id: 'PUMP', name: 'Pump', uom: 'EA', tracking: 'serial' as const };
/** Serial k's lots, for `made` serials made in one report. */
function lotsPerSerial(lots: ConsumedMaterial[], made: number, scrap = 0, quantityPer = 1): string[][] {
  const { order, op } = orderOf(lots, scrap, quantityPer);
  const ids = Array.from({ length: made }, (_, k) => `SN-${k}`);
  const { produced } = produce(ctx(), order, op, 0, made, { material, serialIds: ids });
  return ids.map((id) =>
    produced.edges
      .filter((e) => e.to.id === id)
      .map((e) => e.from.id)
      .sort(),
  );
}

describe('which lots went into which unit made', () => {
  it('gives each unit the lot that covered it, first in first out', () => {
    assert.deepEqual(lotsPerSerial([lotOf('A', 3), lotOf('B', 5)], 4), [['A'], ['A'], ['A'], ['B']]);
  });

  it('links a unit near a lot boundary to both lots when scrap makes its place uncertain', () => {
    // One unit scrapped somewhere: the third good unit may have used the third or the fourth housing.
    assert.deepEqual(lotsPerSerial([lotOf('A', 3), lotOf('B', 5)], 4, 1), [['A'], ['A'], ['A', 'B'], ['B']]);
  });

  it('never leaves out a lot a unit may have used, wherever the scrap fell (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 3 }), (sizes, scrap) => {
        const lots = sizes.map((n, i) => lotOf(`L${i}`, n));
        const total = sizes.reduce((a, b) => a + b, 0);
        const made = Math.max(0, Math.min(10, total - scrap));
        if (made === 0) return;
        const linked = lotsPerSerial(lots, made, scrap);
        // The housing at position p (0-based) came from the lot whose stretch holds p.
        const lotAt = (p: number) => {
          let end = 0;
          for (const [i, n] of sizes.entries()) {
            end += n;
            if (p < end) return `L${i}`;
          }
          return undefined;
        };
        for (let k = 0; k < made; k++) {
          for (let before = 0; before <= scrap; before++) {
            const lot = lotAt(k + before);
            if (lot) assert.ok(linked[k]?.includes(lot), `unit ${k} with ${before} scrapped before it used ${lot}: linked ${linked[k]}`);
          }
        }
      }),
    );
  });

  it('covers the units made before a consumption that comes after them', () => {
    // Four made; two housings consumed before, now two more: they went into units 2 and 3.
    const { order, op } = orderOf([lotOf('A', 2)]);
    const made = { ...order, output: { lots: [], serials: 4 } };
    assert.deepEqual(unitsCovered(made, op, housing, op.consumed ?? [], 2), { fromUnit: 2, toUnit: 4, covered: 2 });
    // Nothing made yet: nothing to link now (the report will).
    assert.equal(unitsCovered(order, op, housing, op.consumed ?? [], 2), undefined);
  });
});

/**
 * BOM-driven consumption rules (shared/domain/tracking/consumption.ts): required quantities
 * with tolerance and substitutes, what is missing before an operation completes, how much a
 * manual issue may still take, and which staged lots a backflush draws from.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type ConsumedMaterial,
  type OperationComponent,
  allowedBand,
  componentFor,
  issueHeadroom,
  lotsForUnits,
  missingConsumption,
  planBackflush,
} from '#shared/domain/tracking/consumption.ts';
import type { MaterialLot } from '#shared/domain/tracking/model.ts';
import { QuantityRuleError } from '#shared/domain/errors.ts';
import * as commands from '#shared/domain/work-order/commands.ts';
import { consumeMaterial } from '#shared/domain/work-order/consume.ts';
import { ctx, planned, routing } from '../fixtures/work-orders.ts';

const NOW = '2026-12-03T10:00:00.000Z';
const housing: OperationComponent = {
  materialId: 'HOUSING',
  uom: 'EA',
  quantityPer: 1,
  substitutes: ['HOUSING-ALT'],
  issue: 'manual',
  tolerancePct: 0,
  tracking: 'lot',
};
const grease: OperationComponent = {
  materialId: 'GREASE',
  uom: 'KGM',
  quantityPer: 0.02,
  substitutes: [],
  issue: 'backflush',
  tolerancePct: 10,
  tracking: 'lot',
};
const screws: OperationComponent = {
  materialId: 'SCREW',
  uom: 'EA',
  quantityPer: 4,
  substitutes: [],
  issue: 'backflush',
  tolerancePct: 0,
  tracking: 'none',
};

const used = (materialId: string, quantity: number): ConsumedMaterial => ({
  materialId,
  node: { kind: 'lot', id: `${materialId}-L1` },
  quantity,
  backflush: false,
  at: NOW,
  by: 'p-olivia',
});
const lot = (id: string, materialId: string, quantity: number, extra: Partial<MaterialLot> = {}): MaterialLot => ({
  id,
  materialId,
  uom: 'KGM',
  quantity,
  initialQuantity: quantity,
  status: 'available',
  origin: 'received',
  createdAt: '2026-11-01T00:00:00.000Z',
  createdBy: 'p-anna',
  updatedAt: '2026-11-01T00:00:00.000Z',
  updatedBy: 'p-anna',
  version: 1,
  ...extra,
});

describe('consumption against the BOM', () => {
  it('allows the tolerance either way around quantity per unit times what was made', () => {
    assert.deepEqual(allowedBand(grease, 50), { required: 1, min: 0.9, max: 1.1 });
    assert.deepEqual(allowedBand(housing, 50), { required: 50, min: 50, max: 50 });
  });

  it('counts a substitute against the line that names it', () => {
    assert.equal(componentFor([housing, grease], 'HOUSING-ALT'), housing);
    assert.deepEqual(missingConsumption([housing], [used('HOUSING', 30), used('HOUSING-ALT', 20)], 50), []);
  });

  it('names each tracked component consumed short, and never an untracked one', () => {
    const missing = missingConsumption([housing, grease, screws], [used('HOUSING', 49), used('GREASE', 0.95)], 50);
    assert.deepEqual(
      missing.map((m) => [m.component.materialId, m.required, m.min, m.consumed]),
      [['HOUSING', 50, 50, 49]],
    );
  });

  it('lets a manual issue take up to the tolerance over the whole order, no more', () => {
    assert.equal(issueHeadroom(grease, [used('GREASE', 1.5)], 100), 0.7);
    assert.equal(issueHeadroom(housing, [used('HOUSING', 100)], 100), 0);
  });
});

describe('backflush from staged lots', () => {
  it('draws first expiring first, then the oldest, and says what is short', () => {
    const staged = [
      lot('G-NEW', 'GREASE', 0.5, { createdAt: '2026-11-20T00:00:00.000Z' }),
      lot('G-OLD', 'GREASE', 0.3),
      lot('G-EXPIRES', 'GREASE', 0.2, { expiresAt: '2027-01-01T00:00:00.000Z' }),
      lot('G-HELD', 'GREASE', 5, { status: 'on-hold' }),
      lot('G-GONE', 'GREASE', 5, { expiresAt: '2026-12-01T00:00:00.000Z' }),
      lot('OTHER', 'OIL', 5),
    ];
    assert.deepEqual(planBackflush(grease, 0.6, staged, NOW), {
      takes: [
        { lotId: 'G-EXPIRES', materialId: 'GREASE', quantity: 0.2 },
        { lotId: 'G-OLD', materialId: 'GREASE', quantity: 0.3 },
        { lotId: 'G-NEW', materialId: 'GREASE', quantity: 0.1 },
      ],
      short: 0,
    });
    assert.equal(planBackflush(grease, 2, staged, NOW).short, 1);
  });

  it('takes exactly what is asked, or all there is, and never more than a lot holds', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 8 }), fc.integer({ min: 0, max: 5000 }), (sizes, asked) => {
        const staged = sizes.map((q, i) => lot(`L${i}`, 'GREASE', q, { createdAt: `2026-11-${String(10 + i).padStart(2, '0')}T00:00:00.000Z` }));
        const plan = planBackflush(grease, asked, staged, NOW);
        const taken = plan.takes.reduce((n, t) => n + t.quantity, 0);
        assert.equal(taken + plan.short, asked);
        for (const t of plan.takes) assert.ok(t.quantity > 0 && t.quantity <= (staged.find((l) => l.id === t.lotId)?.quantity ?? 0));
      }),
    );
  });
});

describe('which lots went into which units (first in, first out)', () => {
  const per2: OperationComponent = { ...housing, quantityPer: 2 };
  const lotUse = (id: string, quantity: number, materialId = 'HOUSING'): ConsumedMaterial => ({
    materialId,
    node: { kind: 'lot', id },
    quantity,
    backflush: false,
    at: NOW,
    by: 'p-olivia',
  });

  it('gives each unit the stretch of consumption it used, across lot boundaries and substitutes', () => {
    const consumed = [lotUse('A', 3), lotUse('B', 4, 'HOUSING-ALT'), lotUse('C', 10)];
    const unit = (k: number) => lotsForUnits(per2, consumed, k, k + 1);
    assert.deepEqual(
      unit(0).lots.map((l) => [l.node.id, l.quantity]),
      [['A', 2]],
    );
    assert.deepEqual(
      unit(1).lots.map((l) => [l.node.id, l.quantity]),
      [
        ['A', 1],
        ['B', 1],
      ],
    );
    assert.deepEqual(
      unit(3).lots.map((l) => [l.node.id, l.quantity]),
      [
        ['B', 1],
        ['C', 1],
      ],
    );
    assert.deepEqual(lotsForUnits(per2, consumed, 8, 10), {
      lots: [{ node: { kind: 'lot', id: 'C' }, materialId: 'HOUSING', quantity: 1 }],
      short: 3,
    });
  });

  it('hands out every consumed quantity once and no unit more than it needs', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 10 }), fc.integer({ min: 0, max: 40 }), (sizes, made) => {
        const consumed = sizes.map((q, i) => lotUse(`L${i}`, q));
        const total = sizes.reduce((n, q) => n + q, 0);
        let handed = 0;
        for (let k = 0; k < made; k++) {
          const { lots, short } = lotsForUnits(per2, consumed, k, k + 1);
          const got = lots.reduce((n, l) => n + l.quantity, 0);
          assert.equal(got + short, 2);
          handed += got;
        }
        assert.equal(handed, Math.min(total, made * 2));
        // Whole reports say the same as the units one by one.
        const whole = lotsForUnits(per2, consumed, 0, made);
        assert.equal(
          whole.lots.reduce((n, l) => n + l.quantity, 0),
          handed,
        );
      }),
    );
  });
});

describe('consuming at a running operation (the command)', () => {
  it('says what the order needs and what was consumed when a tolerance allows more than it needs', () => {
    // Prepare: 100 pumps need 2 kg of grease (10 % more allowed); 1.5 kg were consumed.
    const components = new Map([[10, [grease]]]);
    let order = commands.startOperation(
      ctx(),
      commands.releaseWorkOrder(ctx('sup'), planned(100), routing, 0, undefined, components).after,
      10,
    ).after;
    order = consumeMaterial(ctx(), order, 10, { lotId: 'G-1', quantity: 1.5 }, { kind: 'lot', lot: { ...lot('G-1', 'GREASE', 5), eventSeq: 0 } })
      .order.after;

    // Act
    const refused = () =>
      consumeMaterial(ctx(), order, 10, { lotId: 'G-1', quantity: 1 }, { kind: 'lot', lot: { ...lot('G-1', 'GREASE', 3.5), eventSeq: 0 } });

    // Assess
    assert.throws(refused, (e: Error) => {
      assert.ok(e instanceof QuantityRuleError);
      assert.match(e.message, /may consume 0\.7 KGM more of GREASE: the order's 100 need 2 KGM \(plus 10 %\), and 1\.5 were consumed/);
      return true;
    });
  });
});

describe('backflush order by expiry', () => {
  it('compares expiry as time, whatever offset it was given with', () => {
    const staged = [
      lot('LATER', 'GREASE', 1, { expiresAt: '2027-01-01T00:30:00Z' }),
      // 23:30 UTC the day before: earlier, though its text sorts later.
      lot('SOONER', 'GREASE', 1, { expiresAt: '2027-01-01T01:30:00+02:00' }),
    ];
    assert.deepEqual(
      planBackflush(grease, 2, staged, NOW).takes.map((t) => t.lotId),
      ['SOONER', 'LATER'],
    );
  });
});

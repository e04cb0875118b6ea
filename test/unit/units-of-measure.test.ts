import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { UNITS, floorToUnit, formatQuantity, quantityProblem, sameUnit, unitOf, withUnitCodes } from '#shared/domain/master-data/units.ts';
import { goodQuantityLimit } from '#shared/domain/work-order/commands.ts';
import type { WorkOrderAggregate } from '#shared/domain/work-order/model.ts';

describe('units of measure (UN/ECE Recommendation 20)', () => {
  it('knows each code once, and reads the aliases ERPs and people write', () => {
    assert.equal(new Set(UNITS.map((u) => u.code)).size, UNITS.length);
    assert.equal(unitOf('ea')?.code, 'EA');
    assert.equal(unitOf('kg')?.code, 'KGM');
    assert.equal(unitOf('ST')?.code, 'H87');
    assert.equal(unitOf(' LTR ')?.code, 'LTR');
    assert.equal(unitOf('XYZ'), undefined);
    assert.equal(unitOf(undefined), undefined);
  });

  it('takes whole quantities of whole units only, and measured ones to their precision', () => {
    assert.equal(quantityProblem(2, 'EA'), undefined);
    assert.match(quantityProblem(2.5, 'EA') ?? '', /whole number of pcs/);
    assert.equal(quantityProblem(2.125, 'KGM'), undefined);
    assert.match(quantityProblem(2.1255, 'KGM') ?? '', /at most 3 decimal places in kg/);
    // A unit the MES does not know (a record from before units were checked) takes what the contract does.
    assert.equal(quantityProblem(2.5, 'x'), undefined);
  });

  it('floors a limit to what the unit can hold: 52.5 pumps is 52', () => {
    assert.equal(floorToUnit(52.5, 'EA'), 52);
    assert.equal(floorToUnit(51.975, 'EA'), 51);
    assert.equal(floorToUnit(50 * 1.02, 'EA'), 51);
    assert.equal(floorToUnit(10.12345, 'KGM'), 10.123);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 0, max: 10000 }), (qty, bp) => {
        const limit = floorToUnit(qty * (1 + bp / 10000), 'EA');
        return Number.isInteger(limit) && limit >= qty && limit <= qty * (1 + bp / 10000) + 1e-6;
      }),
    );
  });

  it('formats a quantity with its unit', () => {
    assert.equal(formatQuantity(12, 'EA', 'en-US'), '12 pcs');
    assert.equal(formatQuantity(1250, 'ea', 'en-US'), '1,250 pcs');
    assert.equal(formatQuantity(2.5, 'KGM', 'en-US'), '2.5 kg');
    assert.equal(formatQuantity(3, 'odd', 'en-US'), '3 odd');
    assert.equal(formatQuantity(3, undefined, 'en-US'), '3');
  });

  it('matches the names for one piece, and nothing else', () => {
    assert.ok(sameUnit('ST', 'EA'));
    assert.ok(sameUnit('c62', 'pcs'));
    assert.ok(sameUnit('kg', 'KGM'));
    assert.ok(!sameUnit('EA', 'PR'));
    assert.ok(!sameUnit('kg', 'ea'));
    assert.ok(sameUnit('odd', 'ODD'));
  });

  it("stores a material's and BOM's units as codes, and says where one is unknown", () => {
    assert.deepEqual(withUnitCodes('material', { name: 'x', uom: 'kg' }), { input: { name: 'x', uom: 'KGM' }, problems: [] });
    const bom = withUnitCodes('bom', { components: [{ uom: 'ea' }, {}, { uom: 'lbs' }] });
    assert.deepEqual(bom.input.components, [{ uom: 'EA' }, {}, { uom: 'lbs' }]);
    assert.deepEqual(
      bom.problems.map((p) => p.path),
      [['components', 2, 'uom']],
    );
    assert.match(bom.problems[0]?.detail ?? '', /lbs is not a unit of measure the MES knows; .*EA, H87/);
    const other = { name: 'y' };
    assert.equal(withUnitCodes('routing', other).input, other);
  });

  it('floors the overrun limit to whole units, and keeps a measured one to its precision', () => {
    const order = (quantity: number, uom: string | undefined) =>
      ({ quantity, uom, overrunTolerancePct: 5, operations: [{ seq: 10, goodQty: 0 }] }) as unknown as WorkOrderAggregate;
    assert.equal(goodQuantityLimit(order(50, 'EA'), 10), 52);
    assert.equal(goodQuantityLimit(order(49.5, 'KGM'), 10), 51.975);
    assert.equal(goodQuantityLimit(order(50, undefined), 10), 52.5);
    assert.equal(goodQuantityLimit(order(50, undefined), 10, 'EA'), 52);
  });
});

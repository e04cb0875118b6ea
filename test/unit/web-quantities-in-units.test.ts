/**
 * Quantities typed on the phone in the order's unit: a whole-unit material takes whole numbers
 * (on the digits-only keypad), a measured one its unit's decimals; the New work order form reads
 * its due date in the plant's time zone and says what is wrong per field.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Material, Routing } from '#shared/api/schemas.ts';
import { checkNewOrder, plantInstant } from '../../web/src/components/new-order-form.ts';
import { quantityFields, readQuantities } from '../../web/src/components/order-report-fields.tsx';

describe('quantities in their unit on the phone', () => {
  it('offers the numeric keypad and the unit beside the field for whole units, the decimal one for measured', () => {
    const reason = { name: 'scrapReasonCode', label: 'Scrap reason', type: 'text' } as const;
    const [good] = quantityFields('EA', reason);
    assert.deepEqual([good?.unit, good?.inputMode], ['pcs', 'numeric']);
    const [kg] = quantityFields('KGM', reason);
    assert.deepEqual([kg?.unit, kg?.inputMode], ['kg', undefined]);
    const [old] = quantityFields(undefined, reason);
    assert.deepEqual([old?.unit, old?.inputMode], [undefined, undefined]);
  });

  it('refuses 2.5 pumps in plain words, and keeps 2.5 kg', () => {
    assert.throws(() => readQuantities({ goodQty: '2.5' }, 'EA'), {
      message: 'Good quantity must be a whole number of pcs (each, EA) (you typed "2.5").',
    });
    assert.throws(() => readQuantities({ goodQty: '1', scrapQty: '0,5', scrapReasonCode: 'X' }, 'EA'), /Scrap quantity must be a whole number/);
    assert.deepEqual(readQuantities({ goodQty: '2,5' }, 'KGM'), { goodQty: 2.5, scrapQty: 0 });
    assert.throws(() => readQuantities({ goodQty: '12abc' }, 'EA'), {
      message: 'Good quantity must be a number, 0 or more, such as 12 (you typed "12abc").',
    });
  });
});

describe('the New work order form', () => {
  const material = (id: string, uom: string) => ({ id, name: id, uom }) as Material;
  const choices = {
    materials: [material('PUMP', 'EA'), material('OIL', 'LTR')],
    routings: [{ id: 'RT-PUMP', materialId: 'PUMP' } as Routing, { id: 'RT-OIL', materialId: 'OIL' } as Routing],
    timeZone: 'Europe/Amsterdam',
  };
  const values = { materialId: 'PUMP', routingId: 'RT-PUMP', quantity: '12', date: '2026-12-02', time: '14:00', priority: '500' };

  it('reads the due date in the plant zone (14:00 in Amsterdam in winter is 13:00 UTC)', () => {
    assert.equal(new Date(plantInstant('Europe/Amsterdam', '2026-12-02', '14:00') ?? 0).toISOString(), '2026-12-02T13:00:00.000Z');
    assert.equal(new Date(plantInstant('Europe/Amsterdam', '2026-07-02', '14:00') ?? 0).toISOString(), '2026-07-02T12:00:00.000Z');
    assert.equal(plantInstant('UTC', '2026-12-02', ''), undefined);
    const { body } = checkNewOrder(values, choices);
    assert.deepEqual(body, { materialId: 'PUMP', routingId: 'RT-PUMP', quantity: 12, dueDate: '2026-12-02T13:00:00.000Z', priority: 500 });
  });

  it('says per field what is wrong', () => {
    assert.match(checkNewOrder({ ...values, quantity: '2.5' }, choices).errors.quantity ?? '', /whole number of pcs/);
    assert.equal(checkNewOrder({ ...values, materialId: 'OIL', routingId: 'RT-OIL', quantity: '2.5' }, choices).errors.quantity, undefined);
    assert.match(checkNewOrder({ ...values, routingId: 'RT-OIL' }, choices).errors.routingId ?? '', /routing for this material/);
    assert.match(checkNewOrder({ ...values, quantity: '0' }, choices).errors.quantity ?? '', /more than 0/);
    assert.match(checkNewOrder({ ...values, priority: '1000' }, choices).errors.priority ?? '', /1 \(most urgent\) to 999/);
    assert.match(checkNewOrder({ ...values, materialId: '' }, choices).errors.materialId ?? '', /Choose the material/);
  });
});

/**
 * May a lot be consumed (shared/domain/tracking/consume.ts), and the quantity rules of the lot
 * commands (lots.ts): split and merge conserve quantity, nothing ever goes below 0.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MesError } from '#shared/domain/errors.ts';
import { consumeFromLot, consumeRefusal, LotNotConsumableError } from '#shared/domain/tracking/consume.ts';
import { type LotAggregate, type LotContext, mergeLots, scrapLot, splitLot } from '#shared/domain/tracking/lots.ts';

const NOW = '2026-12-03T10:00:00.000Z';
let ids = 0;
const ctx: LotContext = {
  tenantId: 't',
  actor: { userId: 'u-quality', name: 'Quinn', roles: ['quality'] },
  now: NOW,
  newId: () => `00000000-0000-7000-8000-${String(++ids).padStart(12, '0')}`,
};

const lot = (over: Partial<LotAggregate> = {}): LotAggregate => ({
  id: 'L-1',
  materialId: 'HSG-1',
  uom: 'EA',
  quantity: 10,
  initialQuantity: 10,
  status: 'available',
  origin: 'received',
  createdAt: NOW,
  createdBy: 'u',
  updatedAt: NOW,
  updatedBy: 'u',
  version: 1,
  eventSeq: 1,
  ...over,
});
const ask = { materialIds: ['HSG-1'], quantity: 4, now: NOW };

describe('consumeRefusal', () => {
  it('lets an available lot of the right material with enough left be consumed', () => {
    assert.equal(consumeRefusal(lot(), ask), undefined);
    assert.equal(consumeRefusal(lot({ quantity: 4 }), ask), undefined, 'all that is left');
    assert.equal(consumeRefusal(lot({ materialId: 'HSG-2' }), { ...ask, materialIds: ['HSG-1', 'HSG-2'] }), undefined, 'a substitute');
    assert.equal(consumeRefusal(lot({ expiresAt: '2026-12-04T00:00:00.000Z' }), ask), undefined, 'not expired yet');
  });

  const cases: [string, Partial<LotAggregate>, Partial<typeof ask>, string, number, RegExp][] = [
    ['on hold', { status: 'on-hold', holdReason: 'supplier recall' }, {}, 'on-hold', 409, /on hold \(supplier recall\).*release/],
    ['expired', { expiresAt: '2026-12-03T09:59:59.000Z' }, {}, 'expired', 409, /expired at 2026-12-03T09:59:59/],
    ['expiring this instant', { expiresAt: NOW }, {}, 'expired', 409, /expired/],
    ['of the wrong material', { materialId: 'IMP-1', materialName: 'Impeller' }, {}, 'wrong-material', 422, /Impeller \(IMP-1\); this needs HSG-1/],
    ['with too little left', { quantity: 3 }, {}, 'too-little', 409, /has 3 EA left, less than the 4 EA/],
    ['consumed', { status: 'consumed', quantity: 0 }, {}, 'consumed', 409, /used up/],
    ['scrapped', { status: 'scrapped', quantity: 0 }, {}, 'scrapped', 409, /scrapped/],
    ['shipped', { status: 'shipped' }, {}, 'shipped', 409, /left the plant/],
  ];
  for (const [what, over, request, code, status, detail] of cases) {
    it(`refuses a lot ${what}, saying why`, () => {
      const refusal = consumeRefusal(lot(over), { ...ask, ...request });
      assert.equal(refusal?.code, code);
      assert.equal(refusal?.status, status);
      assert.match(refusal?.detail ?? '', detail);
    });
  }

  it('says the lot is on hold before anything else is wrong with it', () => {
    assert.equal(consumeRefusal(lot({ status: 'on-hold', materialId: 'X', quantity: 1, expiresAt: '2020-01-01T00:00:00Z' }), ask)?.code, 'on-hold');
  });
});

describe('consumeFromLot', () => {
  it('takes the quantity, with a consume movement, an audit record and the edge into what was made', () => {
    const { changes, edges } = consumeFromLot(ctx, lot(), { ...ask, workOrderId: 'WO-1', seq: 10, into: { kind: 'serial', id: 'SN-1' } });
    const [change] = changes;
    assert.equal(change?.after.quantity, 6);
    assert.equal(change?.after.version, 2);
    assert.equal(change?.after.status, 'available');
    assert.deepEqual(change?.movement?.quantityChange, -4);
    assert.equal(change?.movement?.workOrderId, 'WO-1');
    assert.deepEqual(change?.audit.changes, [{ field: 'quantity', from: 10, to: 6 }]);
    assert.deepEqual(edges[0]?.to, { kind: 'serial', id: 'SN-1' });
    assert.equal(consumeFromLot(ctx, lot({ quantity: 4 }), { ...ask, workOrderId: 'WO-1', seq: 10 }).changes[0]?.after.status, 'consumed');
  });

  it('refuses with a problem at the lot field', () => {
    assert.throws(
      () => consumeFromLot(ctx, lot({ status: 'on-hold' }), { ...ask, workOrderId: 'WO-1', seq: 10, pointer: '/body/lotId' }),
      (e: unknown) => e instanceof LotNotConsumableError && e instanceof MesError && e.status === 409 && e.errors[0]?.pointer === '/body/lotId',
    );
  });
});

describe('lot quantities', () => {
  const quantity = fc.integer({ min: 1, max: 1_000_000 }).map((n) => n / 1000);

  it('split conserves quantity and never leaves less than nothing', () => {
    fc.assert(
      fc.property(quantity, fc.array(quantity, { minLength: 1, maxLength: 10 }), (have, parts) => {
        const source = lot({ quantity: have, initialQuantity: have, uom: 'KGM' });
        const asked = parts.map((q, i) => ({ id: `P-${i}`, quantity: q }));
        const total = Math.round(parts.reduce((a, b) => a + b, 0) * 1e6) / 1e6;
        if (total > have) {
          assert.throws(() => splitLot(ctx, source, asked), /too little/);
          return;
        }
        const { changes, edges } = splitLot(ctx, source, asked);
        const after = changes.reduce((sum, c) => sum + c.after.quantity, 0);
        assert.ok(Math.abs(after - have) < 1e-6, `${after} != ${have}`);
        assert.ok(changes.every((c) => c.after.quantity >= 0));
        assert.equal(changes[0]?.after.status, changes[0]?.after.quantity === 0 ? 'consumed' : 'available');
        assert.equal(edges.length, parts.length);
        assert.ok(edges.every((e) => e.via === 'split' && e.from.id === 'L-1'));
      }),
    );
  });

  it('merge conserves quantity and drains every source', () => {
    fc.assert(
      fc.property(fc.array(quantity, { minLength: 2, maxLength: 10 }), (quantities) => {
        const sources = quantities.map((q, i) => lot({ id: `S-${i}`, quantity: q, uom: 'KGM' }));
        const { changes, edges } = mergeLots(ctx, sources, 'M-1');
        const [merged, ...drained] = changes;
        const total = quantities.reduce((a, b) => a + b, 0);
        assert.ok(Math.abs((merged?.after.quantity ?? 0) - total) < 1e-6);
        assert.ok(drained.every((c) => c.after.quantity === 0 && c.after.status === 'consumed'));
        assert.deepEqual(
          edges.map((e) => [e.from.id, e.to.id, e.quantity]),
          sources.map((s) => [s.id, 'M-1', s.quantity]),
        );
      }),
    );
  });

  it('refuses to merge lots of different materials or statuses', () => {
    assert.throws(() => mergeLots(ctx, [lot({ id: 'A' }), lot({ id: 'B', materialId: 'IMP-1' })], 'M'), /different materials/);
    assert.throws(() => mergeLots(ctx, [lot({ id: 'A' }), lot({ id: 'B', status: 'on-hold' })], 'M'), /different statuses/);
    assert.throws(() => mergeLots(ctx, [lot({ id: 'A' }), lot({ id: 'B', status: 'consumed' })], 'M'), /consumed/);
  });

  it('scraps at most what is left, and all of it makes the lot scrapped', () => {
    assert.throws(() => scrapLot(ctx, lot(), { quantity: 11, reasonCode: 'DIM' }), /too little/);
    assert.equal(scrapLot(ctx, lot(), { reasonCode: 'DIM' }).changes[0]?.after.status, 'scrapped');
    assert.equal(scrapLot(ctx, lot(), { quantity: 2, reasonCode: 'DIM' }).changes[0]?.after.quantity, 8);
  });
});

/**
 * How SPC values are packed (shared/db/spc-value-format.ts, spcValueItems): a sample is one short
 * tuple in its characteristic's hour item (one per order), read back as it was written; samples of
 * one characteristic, hour and order are one Update (list_append), so a transaction never names an
 * item twice, and two orders never write one item.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { spcValueItems } from '#shared/db/spc-repository.ts';
import { fromTuple, hourOf, toTuple } from '#shared/db/spc-value-format.ts';
import type { SpcSample } from '#shared/domain/quality/spc-model.ts';

const sample = (over: Partial<SpcSample> = {}): SpcSample => ({
  characteristicId: 'data:RT-1:10:torque',
  subgroupId: 'WO-1~10~7',
  at: '2026-03-01T07:15:30.250Z',
  values: [4.01, 3.99, 4.02, 4, 3.98],
  ...over,
});

describe('SPC value packing', () => {
  it('reads a sample back as written, with and without its order and operation', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 25 }),
        fc.option(fc.tuple(fc.constantFrom('WO-1', 'WO-77'), fc.integer({ min: 1, max: 9999 })), { nil: undefined }),
        (at, values, order) => {
          const written = sample({ at: at.toISOString(), values, ...(order ? { workOrderId: order[0], seq: order[1] } : {}) });
          assert.deepEqual(fromTuple(written.characteristicId, hourOf(written.at), toTuple(written)), written);
        },
      ),
    );
  });

  it('keeps a time as milliseconds from its hour, and the hour in the sort key', () => {
    assert.deepEqual(toTuple(sample()), [15 * 60_000 + 30_250, 'WO-1~10~7', [4.01, 3.99, 4.02, 4, 3.98]]);
    assert.equal(hourOf('2026-03-01T07:15:30.250Z'), '2026-03-01T07');
  });

  it('writes one Update per characteristic, hour and order, appending every sample of it', () => {
    const items = spcValueItems('mes', 't1', [
      sample({ at: '2026-03-01T07:00:00.000Z', subgroupId: 'a' }),
      sample({ at: '2026-03-01T07:59:59.999Z', subgroupId: 'b' }),
      sample({ at: '2026-03-01T08:00:00.000Z', subgroupId: 'c' }),
      sample({ characteristicId: 'data:RT-1:10:force', at: '2026-03-01T07:30:00.000Z', subgroupId: 'd' }),
      sample({ at: '2026-03-01T07:10:00.000Z', subgroupId: 'e', workOrderId: 'WO-1', seq: 10 }),
      sample({ at: '2026-03-01T07:20:00.000Z', subgroupId: 'f', workOrderId: 'WO-2', seq: 10 }),
      sample({ at: '2026-03-01T07:40:00.000Z', subgroupId: 'g', workOrderId: 'WO-1', seq: 10 }),
    ]);

    assert.deepEqual(
      items.map((i) => [
        i.Update?.Key?.pk,
        i.Update?.Key?.sk,
        ((i.Update?.ExpressionAttributeValues?.[':new'] ?? []) as unknown[][]).map((t) => t[1]),
      ]),
      [
        ['t1#SPC#data:RT-1:10:torque', 'V#2026-03-01T07', ['a', 'b']],
        ['t1#SPC#data:RT-1:10:torque', 'V#2026-03-01T08', ['c']],
        ['t1#SPC#data:RT-1:10:force', 'V#2026-03-01T07', ['d']],
        ['t1#SPC#data:RT-1:10:torque', 'V#2026-03-01T07#WO-1', ['e', 'g']],
        ['t1#SPC#data:RT-1:10:torque', 'V#2026-03-01T07#WO-2', ['f']],
      ],
    );
    for (const item of items) {
      assert.equal(item.Update?.UpdateExpression, 'SET v = list_append(if_not_exists(v, :empty), :new), entity = :entity');
      assert.equal(item.Update?.ConditionExpression, undefined, 'no read, no condition: writers never wait on each other');
    }
  });

  it('packs a subgroup of 5 in well under 100 bytes', () => {
    const bytes = JSON.stringify(toTuple(sample({ workOrderId: 'WO-2026-00017', seq: 10, subgroupId: 'WO-2026-00017~10~123' }))).length;
    assert.ok(bytes < 100, `${bytes} bytes`);
  });
});

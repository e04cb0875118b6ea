/**
 * A unit's minute as stored (shared/db/telemetry-bucket-format.ts) reads back as it was written,
 * its times kept as offsets from the minute; items written before that, with epoch times, read
 * the same.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type StoredUnitMinute, readUnitMinute, writeUnitMinute } from '#shared/db/telemetry-bucket-format.ts';
import type { UnitMinute } from '#shared/domain/telemetry/repository.ts';
import { itemBytes } from '../../bench/telemetry-workload.ts';

const MINUTE = 60_000;

/** A minute (epoch ms, on a minute boundary, the epoch's own included) and a unit's minute inside it. */
const unitMinute = fc.integer({ min: 0, max: 40_000_000 }).chain((m) => {
  const minute = m * MINUTE;
  const inside = fc.integer({ min: minute, max: minute + MINUTE - 1 });
  const count = fc.integer({ min: 0, max: 10_000_000 });
  // DynamoDB keeps no -0, and plain objects (not null-prototype ones) are what the client returns.
  const value = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((v) => v + 0);
  const plain = { noNullPrototype: true } as const;
  const segment = fc.record({ startTs: inside, startGood: count, startReject: count, endTs: inside, endGood: count, endReject: count }, plain);
  const aggregate = fc.record(
    {
      min: value,
      max: value,
      sum: value,
      count: fc.integer({ min: 1, max: 60 }),
      last: value,
      lastTs: inside,
      seconds: fc.stringMatching(/^[0-9a-f]{15}$/),
      outOfLimits: fc.integer({ min: 0, max: 60 }),
    },
    plain,
  );
  return fc.tuple(
    fc.constant(minute),
    fc.record(
      {
        counts: fc.array(segment, { maxLength: 3 }),
        process: fc.dictionary(fc.constantFrom('temperature', 'pressure', 'spindleSpeed'), aggregate, plain),
        firstSeen: inside,
        lastSeen: inside,
      },
      plain,
    ),
  );
});

/** What the format wrote before times became offsets. */
const epochForm = (u: UnitMinute): StoredUnitMinute => ({
  ...(u.counts.length ? { c: u.counts.map((s) => [s.startTs, s.startGood, s.startReject, s.endTs, s.endGood, s.endReject]) } : {}),
  ...(Object.keys(u.process).length
    ? {
        p: Object.fromEntries(
          Object.entries(u.process).map(([n, a]) => [n, [a.min, a.max, a.sum, a.count, a.last, a.lastTs, a.seconds, a.outOfLimits]]),
        ),
      }
    : {}),
  f: u.firstSeen,
  l: u.lastSeen,
});

describe("a unit's minute as stored", () => {
  it('reads back exactly what was written', () => {
    fc.assert(
      fc.property(unitMinute, ([minute, unit]) => {
        assert.deepEqual(readUnitMinute(writeUnitMinute(unit, minute), minute), unit);
      }),
    );
  });

  it('reads an item written with epoch times the same', () => {
    fc.assert(
      fc.property(unitMinute, ([minute, unit]) => {
        assert.deepEqual(readUnitMinute(epochForm(unit), minute), unit);
      }),
    );
  });

  it('keeps a time outside its minute as it is', () => {
    const minute = Date.UTC(2026, 11, 3, 10, 0);
    const unit: UnitMinute = { counts: [], process: {}, firstSeen: minute - 5_000, lastSeen: minute + 2 * MINUTE };
    assert.deepEqual(readUnitMinute(writeUnitMinute(unit, minute), minute), unit);
  });

  it('is smaller than with epoch times: every time of the minute in at most 5 digits', () => {
    const minute = Date.UTC(2026, 11, 3, 10, 0);
    const at = (s: number) => minute + s * 1000 + 123;
    const aggregate = (v: number) => ({
      min: v,
      max: v + 1,
      sum: 6 * v,
      count: 6,
      last: v,
      lastTs: at(50),
      seconds: '000000401004010',
      outOfLimits: 0,
    });
    const unit: UnitMinute = {
      counts: [{ startTs: at(0), startGood: 123_456, startReject: 2_345, endTs: at(59), endGood: 123_470, endReject: 2_346 }],
      process: { temperature: aggregate(71.5), pressure: aggregate(5.25), spindleSpeed: aggregate(12_000) },
      firstSeen: at(0),
      lastSeen: at(59),
    };
    const stored = writeUnitMinute(unit, minute);
    assert.ok(itemBytes({ u: stored }) < itemBytes({ u: epochForm(unit) }));
    assert.deepEqual([stored.f, stored.l, stored.c?.[0]?.[0], stored.c?.[0]?.[3]], [123, 59_123, 123, 59_123]);
  });
});

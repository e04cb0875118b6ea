/** Lot and serial numbers from a material's pattern (shared/domain/tracking/numbering.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_LOT_PATTERN, DEFAULT_SERIAL_PATTERN, formatNumber } from '#shared/domain/tracking/numbering.ts';

describe('lot and serial numbers', () => {
  it('fills date, material and counter', () => {
    const parts = { date: '2026-12-03', materialId: 'FG-PUMP-100', seq: 7 };
    assert.equal(formatNumber(DEFAULT_LOT_PATTERN, parts), 'FG-PUMP-100-261203-0007');
    assert.equal(formatNumber(DEFAULT_SERIAL_PATTERN, parts), 'FG-PUMP-100-000007');
    assert.equal(formatNumber('B{YYYY}.{MM}.{DD}-{SEQ:2}', parts), 'B2026.12.03-07');
  });

  it('keeps every digit of a counter wider than its pattern', () => {
    assert.equal(formatNumber('S{SEQ:2}', { date: '2026-12-03', materialId: 'X', seq: 1234 }), 'S1234');
  });

  it('never gives two counters the same number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 12 }), (a, b, w) => {
        fc.pre(a !== b);
        const n = (seq: number) => formatNumber(`L{YY}{MM}{DD}-{SEQ:${w}}`, { date: '2026-12-03', materialId: 'M', seq });
        assert.notEqual(n(a), n(b));
      }),
    );
  });
});

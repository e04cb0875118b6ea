/**
 * The contract's numbers are storable: whatever a numeric schema accepts, DynamoDB keeps as it
 * is (the SDK marshals it, its magnitude lies within 1e-130 and 1e126), and so do the sums
 * the MES stores of them. Generated over every double, subnormals and extremes included.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import type * as z from 'zod/mini';
import { CycleTimeSeconds, MeasuredValue, Percent, PositiveQuantity, Quantity, Seconds } from '#shared/api/schemas.ts';
import { ProcessSampleSchema } from '#shared/telemetry/messages.ts';

const storable = (n: number) => {
  marshall({ n });
  return n === 0 || (Math.abs(n) >= 1e-130 && Math.abs(n) < 1e126);
};

/** Every double, and the ones that broke the store before. */
const anyNumber = fc.oneof(
  fc.double({ noNaN: true }),
  fc.constantFrom(5e-324, -5e-324, 1e-131, 1e308, -1e308, 2 ** 53 + 2, 0.1 + 0.2, 23.100000381469727, 1e-12),
);

const schemas: [string, z.ZodMiniType<number>][] = [
  ['Quantity', Quantity],
  ['PositiveQuantity', PositiveQuantity],
  ['Seconds', Seconds],
  ['CycleTimeSeconds', CycleTimeSeconds],
  ['Percent', Percent],
  ['MeasuredValue', MeasuredValue],
];

describe('numbers the contract accepts', () => {
  for (const [name, schema] of schemas) {
    it(`${name}: what it accepts, DynamoDB stores as it is`, () => {
      fc.assert(
        fc.property(anyNumber, (n) => !schema.safeParse(n).success || storable(n)),
        { numRuns: 2000 },
      );
    });
  }

  it('MeasuredValue takes float32 noise and a leak rate of 1e-12, and refuses 5e-324 and 1e308', () => {
    assert.ok(MeasuredValue.safeParse(23.100000381469727).success);
    assert.ok(MeasuredValue.safeParse(1e-12).success);
    assert.ok(!MeasuredValue.safeParse(5e-324).success);
    assert.ok(!MeasuredValue.safeParse(1e308).success);
  });

  it('a minute of accepted process values sums to a storable number', () => {
    const value = anyNumber.filter((n) => ProcessSampleSchema.safeParse({ ts: Date.UTC(2030, 0, 1), msgId: 'm', values: { v: n } }).success);
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 60 }), (values) => storable(values.reduce((a, b) => a + b, 0))),
      { numRuns: 500 },
    );
  });
});

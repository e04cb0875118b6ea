/**
 * Numbers and times as the contract accepts them: within a range that makes sense for what
 * they are, and storable as they are (DynamoDB refuses magnitudes under 1e-130; the SDK refuses
 * numbers past 2^53). Small on purpose: the telemetry consumers import it too.
 */
import * as z from 'zod/mini';

/**
 * A number within a range, with at most `places` decimals: what a person or a machine means by
 * it, and what DynamoDB stores exactly, so 5e-324 or 1e308 never reach it. OpenAPI shows the
 * range, and the decimals in words and as `x-decimal-places`: not as `multipleOf`, which
 * validators check by floating-point division (1.1 / 0.000001 is not a whole number).
 */
export function decimal(range: { min: number; max: number; exclusiveMin?: boolean }, places: number) {
  const schema = z.number().check(
    range.exclusiveMin ? z.gt(range.min) : z.gte(range.min),
    z.lte(range.max),
    z.refine((n) => hasAtMostDecimals(n, places), places === 0 ? 'must be a whole number' : `must have at most ${places} decimal places`),
  );
  const decimals = places === 0 ? 'a whole number' : `at most ${places} decimal places`;
  z.globalRegistry.add(schema, { 'x-decimal-places': places, description: `${decimals[0]?.toUpperCase()}${decimals.slice(1)}.` });
  return schema;
}

/**
 * A measurement: any finite number within ±max that is 0 or at least `smallest` in magnitude.
 * No step: instruments send float32 noise (23.100000381469727) and leak rates of 1e-12, and
 * both are what was measured; only what no store keeps (5e-324, 1e308) is refused. Sums of up
 * to a minute's samples stay storable too (their ulp is far above DynamoDB's 1e-130).
 */
export function measured(max: number, smallest: number) {
  const schema = z.number().check(
    z.gte(-max),
    z.lte(max),
    z.refine((n) => n === 0 || Math.abs(n) >= smallest, `must be 0 or at least ${smallest} in magnitude`),
  );
  z.globalRegistry.add(schema, { description: `A measured value: 0, or between ${smallest} and ${max} in magnitude, either sign.` });
  return schema;
}

/** True for 1.25 with 2 places; false for 5e-324, or for 0.1 + 0.2 (0.30000000000000004). */
const hasAtMostDecimals = (n: number, places: number) => Number.isFinite(n) && Number(n.toFixed(places)) === n;

/** The times the MES accepts: 2000-01-01 up to (not including) 2100-01-01, so date arithmetic and keys stay in range. */
export const EARLIEST_TIME = Date.UTC(2000, 0, 1);
export const LATEST_TIME = Date.UTC(2100, 0, 1);
export const inTimeRange = (t: number) => t >= EARLIEST_TIME && t < LATEST_TIME;

/** An ISO 8601 date-time with a time zone (Z or an offset) between 2000 and 2099. */
export const boundedDateTime = () =>
  z.iso.datetime({ offset: true }).check(
    // Not a date-time at all is the format check's to say, once.
    z.refine(
      (s) => Number.isNaN(Date.parse(s)) || inTimeRange(Date.parse(s)),
      'must be a time between 2000-01-01T00:00:00Z and 2099-12-31T23:59:59Z',
    ),
  );

/**
 * Nelson's eight rules as properties: a series built to break a rule does (on the point that
 * completes the pattern, naming the pattern's points), and one built so it cannot does not.
 * Points are z-scores (centre 0, sigma 1) unless a test says otherwise.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type NelsonRule, RULE_WORDS, WESTERN_ELECTRIC_RULES, evaluateRules } from '#shared/domain/quality/spc-rules.ts';

const zoned = (zs: readonly number[]) => zs.map((value) => ({ value, centre: 0, sigma: 1 }));
const between = (min: number, max: number) => fc.double({ min, max, noNaN: true });
const sign = fc.constantFrom(1, -1);
const background = fc.array(between(-3, 3), { maxLength: 30 });

/** Background, the pattern, background: the rule must fire on the pattern's last point, naming `points` (offsets in the pattern). */
function assertBreaks(rule: NelsonRule, pattern: fc.Arbitrary<{ values: number[]; points: number[] }>) {
  fc.assert(
    fc.property(background, pattern, background, (before, { values, points }, after) => {
      const violations = evaluateRules(zoned([...before, ...values, ...after]));
      const last = before.length + values.length - 1;
      const found = violations[last]?.find((v) => v.rule === rule);
      assert.ok(found, `rule ${rule} not found at ${last}`);
      assert.deepEqual(
        found.points,
        points.map((k) => before.length + k),
      );
    }),
  );
}

function assertHolds(rule: NelsonRule, series: fc.Arbitrary<number[]>) {
  fc.assert(
    fc.property(series, (values) => {
      const violations = evaluateRules(zoned(values));
      assert.ok(violations.every((vs) => vs.every((v) => v.rule !== rule)));
    }),
  );
}

const indexes = (n: number) => Array.from({ length: n }, (_, k) => k);
/** Segments glued together: each is `body` then `breaker`. */
const segments = (body: fc.Arbitrary<number[]>, breaker: fc.Arbitrary<number>) =>
  fc.array(fc.tuple(body, breaker), { maxLength: 12 }).map((parts) => parts.flatMap(([b, x]) => [...b, x]));

describe('Nelson rule 1: one point beyond 3 sigma', () => {
  it('fires on a point beyond 3 sigma', () => {
    assertBreaks(
      1,
      fc.tuple(between(3.001, 8), sign).map(([m, s]) => ({ values: [m * s], points: [0] })),
    );
  });
  it('never fires within 3 sigma', () => assertHolds(1, fc.array(between(-3, 3), { maxLength: 60 })));
});

describe('Nelson rule 2: nine in a row on one side', () => {
  it('fires on the ninth', () => {
    assertBreaks(
      2,
      fc
        .tuple(fc.array(between(0.001, 3), { minLength: 9, maxLength: 9 }), sign)
        .map(([ms, s]) => ({ values: ms.map((m) => m * s), points: indexes(9) })),
    );
  });
  it('never fires when the side changes at least every eight points', () => {
    const run = fc.array(between(0.001, 3), { minLength: 1, maxLength: 8 });
    assertHolds(
      2,
      fc.array(run, { maxLength: 12 }).map((runs) => runs.flatMap((r, i) => r.map((m) => (i % 2 === 0 ? m : -m)))),
    );
  });
});

describe('Nelson rule 3: six in a row increasing or decreasing', () => {
  it('fires on the sixth', () => {
    assertBreaks(
      3,
      fc.tuple(between(-3, 3), fc.array(between(0.001, 1), { minLength: 5, maxLength: 5 }), sign).map(([start, steps, s]) => {
        const values = [start];
        for (const d of steps) values.push((values.at(-1) as number) + s * d);
        return { values, points: indexes(6) };
      }),
    );
  });
  it('never fires when the direction turns within every four steps', () => {
    const run = fc.array(between(0.001, 1), { minLength: 1, maxLength: 4 });
    assertHolds(
      3,
      fc.tuple(between(-3, 3), fc.array(run, { maxLength: 15 })).map(([start, runs]) => {
        const values = [start];
        runs.forEach((r, i) => {
          for (const d of r) values.push((values.at(-1) as number) + (i % 2 === 0 ? d : -d));
        });
        return values;
      }),
    );
  });
});

describe('Nelson rule 4: fourteen in a row alternating', () => {
  it('fires on the fourteenth', () => {
    assertBreaks(
      4,
      fc
        .tuple(fc.array(between(0.001, 3), { minLength: 14, maxLength: 14 }), sign)
        .map(([ms, s]) => ({ values: ms.map((m, k) => (k % 2 === 0 ? s * m : -s * m)), points: indexes(14) })),
    );
  });
  it('never fires when every sixth step repeats the direction of the one before', () => {
    assertHolds(
      4,
      fc.tuple(between(-3, 3), fc.array(fc.tuple(between(0.001, 1), sign), { maxLength: 60 })).map(([start, steps]) => {
        const values = [start];
        let previous = 1;
        steps.forEach(([d, s], k) => {
          const direction = (k + 1) % 6 === 0 ? previous : s;
          values.push((values.at(-1) as number) + direction * d);
          previous = direction;
        });
        return values;
      }),
    );
  });
});

describe('Nelson rule 5: two of three beyond 2 sigma, same side', () => {
  it('fires on the second point beyond', () => {
    assertBreaks(
      5,
      fc.tuple(between(2.001, 3), between(-2, 2), between(2.001, 3), sign).map(([a, b, c, s]) => ({ values: [s * a, b, s * c], points: [0, 2] })),
    );
  });
  it('never fires when points beyond 2 sigma are three or more apart', () => {
    assertHolds(
      5,
      segments(
        fc.array(between(-2, 2), { minLength: 2, maxLength: 5 }),
        fc.tuple(between(2.001, 3), sign).map(([m, s]) => m * s),
      ),
    );
  });
});

describe('Nelson rule 6: four of five beyond 1 sigma, same side', () => {
  it('fires on the fourth point beyond', () => {
    assertBreaks(
      6,
      fc
        .tuple(fc.array(between(1.001, 3), { minLength: 4, maxLength: 4 }), between(-1, 1), fc.integer({ min: 0, max: 3 }), sign)
        .map(([beyond, inside, at, s]) => {
          const values = beyond.map((m) => s * m);
          values.splice(at, 0, inside);
          return { values, points: indexes(5).filter((k) => k !== at) };
        }),
    );
  });
  it('never fires when the side alternates', () => {
    assertHolds(
      6,
      fc.array(between(0.001, 3), { maxLength: 60 }).map((ms) => ms.map((m, k) => (k % 2 === 0 ? m : -m))),
    );
  });
});

describe('Nelson rule 7: fifteen in a row within 1 sigma', () => {
  it('fires on the fifteenth', () => {
    assertBreaks(
      7,
      fc.array(between(-0.999, 0.999), { minLength: 15, maxLength: 15 }).map((values) => ({ values, points: indexes(15) })),
    );
  });
  it('never fires when a point at or beyond 1 sigma comes within every fourteen', () => {
    assertHolds(
      7,
      segments(
        fc.array(between(-0.999, 0.999), { maxLength: 14 }),
        fc.tuple(between(1, 3), sign).map(([m, s]) => m * s),
      ),
    );
  });
});

describe('Nelson rule 8: eight in a row beyond 1 sigma, either side', () => {
  it('fires on the eighth', () => {
    assertBreaks(
      8,
      fc
        .array(fc.tuple(between(1.001, 3), sign), { minLength: 8, maxLength: 8 })
        .map((ms) => ({ values: ms.map(([m, s]) => m * s), points: indexes(8) })),
    );
  });
  it('never fires when a point within 1 sigma comes within every eight', () => {
    assertHolds(
      8,
      segments(
        fc.array(
          fc.tuple(between(1.001, 3), sign).map(([m, s]) => m * s),
          { maxLength: 7 },
        ),
        between(-1, 1),
      ),
    );
  });
});

describe('rule descriptions', () => {
  it('say the rule in words and mark the Western Electric four', () => {
    const [point] = evaluateRules([{ value: 14, centre: 10, sigma: 1 }]);
    assert.deepEqual(point, [{ rule: 1, words: RULE_WORDS[1], westernElectric: true, points: [0] }]);
    assert.deepEqual([...WESTERN_ELECTRIC_RULES].sort(), [1, 2, 5, 6]);
  });

  it('judge each point against its own centre and sigma (a p chart with variable n)', () => {
    // the same value 0.2 is beyond 3 sigma when sigma is 0.03, inside when it is 0.05
    const [tight, loose] = evaluateRules([
      { value: 0.2, centre: 0.1, sigma: 0.03 },
      { value: 0.2, centre: 0.1, sigma: 0.05 },
    ]);
    assert.equal(tight?.length, 1);
    assert.equal(loose?.length, 0);
  });
});

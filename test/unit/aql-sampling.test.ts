/**
 * ISO 2859-1 (= ANSI/ASQ Z1.4 = MIL-STD-105E) single sampling, normal inspection, general
 * level II: Table 1's code letters and Table 2-A's plans, with the arrows followed. Each
 * expected value is read off the tables as printed in docs/quality.md.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AQL_VALUES,
  type AqlValue,
  CODE_LETTERS,
  type CodeLetter,
  SAMPLE_SIZES,
  aqlPlan,
  codeLetterFor,
  table2A,
} from '#shared/domain/quality/aql.ts';

describe('ISO 2859-1 Table 1: sample size code letters, general inspection level II', () => {
  it('gives each lot size band its letter, at both ends of the band', () => {
    const bands: [number, number, CodeLetter][] = [
      [2, 8, 'A'],
      [9, 15, 'B'],
      [16, 25, 'C'],
      [26, 50, 'D'],
      [51, 90, 'E'],
      [91, 150, 'F'],
      [151, 280, 'G'],
      [281, 500, 'H'],
      [501, 1200, 'J'],
      [1201, 3200, 'K'],
      [3201, 10_000, 'L'],
      [10_001, 35_000, 'M'],
      [35_001, 150_000, 'N'],
      [150_001, 500_000, 'P'],
      [500_001, 10_000_000, 'Q'],
    ];
    for (const [from, to, letter] of bands) {
      assert.equal(codeLetterFor(from), letter, `lot ${from}`);
      assert.equal(codeLetterFor(to), letter, `lot ${to}`);
    }
    assert.equal(codeLetterFor(1), 'A', 'a lot of one is in the smallest band');
  });

  it('has the sample sizes of Table 2-A', () => {
    assert.deepEqual(
      CODE_LETTERS.map((l) => SAMPLE_SIZES[l]),
      [2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000],
    );
  });
});

describe('ISO 2859-1 Table 2-A: single sampling plans for normal inspection', () => {
  it('row J (n = 80) reads: arrows down to 0.10, 0/1 at 0.15, up, down, then 1/2 ... 21/22, then up', () => {
    const row = AQL_VALUES.map((aql) => table2A('J', aql));
    const expected = [
      ...Array(6).fill('down'), // 0.010 ... 0.10
      { ac: 0, re: 1 }, // 0.15
      'up', // 0.25
      'down', // 0.40
      { ac: 1, re: 2 }, // 0.65
      { ac: 2, re: 3 }, // 1.0
      { ac: 3, re: 4 }, // 1.5
      { ac: 5, re: 6 }, // 2.5
      { ac: 7, re: 8 }, // 4.0
      { ac: 10, re: 11 }, // 6.5
      { ac: 14, re: 15 }, // 10
      { ac: 21, re: 22 }, // 15
      ...Array(9).fill('up'), // 25 ... 1000
    ];
    assert.deepEqual(row, expected);
  });

  it('row A (n = 2) reads: down to 4.0, 0/1 at 6.5, up, down, then 1/2 ... 30/31 at 1000', () => {
    assert.deepEqual(table2A('A', 4), 'down');
    assert.deepEqual(table2A('A', 6.5), { ac: 0, re: 1 });
    assert.deepEqual(table2A('A', 10), 'up');
    assert.deepEqual(table2A('A', 15), 'down');
    assert.deepEqual(table2A('A', 25), { ac: 1, re: 2 });
    assert.deepEqual(table2A('A', 650), { ac: 21, re: 22 });
    assert.deepEqual(table2A('A', 1000), { ac: 30, re: 31 });
  });

  it('has the 30/31 and 44/45 plans only in rows A to E', () => {
    assert.deepEqual(table2A('B', 1000), { ac: 44, re: 45 });
    assert.deepEqual(table2A('C', 650), { ac: 44, re: 45 });
    assert.deepEqual(table2A('C', 1000), 'up');
    assert.deepEqual(table2A('E', 250), { ac: 44, re: 45 });
    assert.deepEqual(table2A('E', 150), { ac: 30, re: 31 });
    assert.deepEqual(table2A('F', 65), { ac: 21, re: 22 });
    assert.deepEqual(table2A('F', 100), 'up');
  });

  it('puts the first plan (0/1) of each AQL from 0.010 at Q to 6.5 at A', () => {
    const diagonal: [AqlValue, CodeLetter][] = [
      [0.01, 'Q'],
      [0.015, 'P'],
      [0.025, 'N'],
      [0.04, 'M'],
      [0.065, 'L'],
      [0.1, 'K'],
      [0.15, 'J'],
      [0.25, 'H'],
      [0.4, 'G'],
      [0.65, 'F'],
      [1, 'E'],
      [1.5, 'D'],
      [2.5, 'C'],
      [4, 'B'],
      [6.5, 'A'],
    ];
    for (const [aql, letter] of diagonal) assert.deepEqual(table2A(letter, aql), { ac: 0, re: 1 }, `AQL ${aql} at ${letter}`);
  });
});

describe('the sampling plan of a lot: AQL, letter, arrows, sample size', () => {
  it('lot 1000 at AQL 1.0: J, n = 80, Ac 2 Re 3', () => {
    assert.deepEqual(aqlPlan(1000, 1), {
      aql: 1,
      lotSize: 1000,
      codeLetter: 'J',
      planLetter: 'J',
      sampleSize: 80,
      ac: 2,
      re: 3,
      hundredPercent: false,
    });
  });

  it('lot 1000 at AQL 2.5: n = 80, Ac 5 Re 6; at 4.0: Ac 7 Re 8', () => {
    assert.deepEqual(pick(aqlPlan(1000, 2.5)), [80, 5, 6]);
    assert.deepEqual(pick(aqlPlan(1000, 4)), [80, 7, 8]);
  });

  it('lot 1000 at AQL 0.065 follows the arrow down to L: n = 200, Ac 0 Re 1', () => {
    const plan = aqlPlan(1000, 0.065);
    assert.equal(plan.codeLetter, 'J');
    assert.equal(plan.planLetter, 'L');
    assert.deepEqual(pick(plan), [200, 0, 1]);
  });

  it('lot 1000 at AQL 0.25 follows the arrow up to H: n = 50, Ac 0 Re 1', () => {
    const plan = aqlPlan(1000, 0.25);
    assert.equal(plan.planLetter, 'H');
    assert.deepEqual(pick(plan), [50, 0, 1]);
  });

  it('lot 1000 at AQL 0.40 follows the arrow down to K: n = 125, Ac 1 Re 2', () => {
    const plan = aqlPlan(1000, 0.4);
    assert.equal(plan.planLetter, 'K');
    assert.deepEqual(pick(plan), [125, 1, 2]);
  });

  it('lot 3000 at AQL 2.5: K, n = 125, Ac 7 Re 8; lot 10 000 at AQL 1.0: L, n = 200, Ac 5 Re 6', () => {
    assert.deepEqual(pick(aqlPlan(3000, 2.5)), [125, 7, 8]);
    assert.deepEqual(pick(aqlPlan(10_000, 1)), [200, 5, 6]);
  });

  it('lot 500 at AQL 2.5: H, n = 50, Ac 3 Re 4', () => {
    assert.deepEqual(pick(aqlPlan(500, 2.5)), [50, 3, 4]);
  });

  it('inspects every unit when the plan the arrows lead to takes at least the lot (lot 10 at AQL 0.65: F, n = 20 > 10)', () => {
    const plan = aqlPlan(10, 0.65);
    assert.equal(plan.codeLetter, 'B');
    assert.equal(plan.planLetter, 'F');
    assert.equal(plan.hundredPercent, true);
    assert.deepEqual(pick(plan), [10, 0, 1]);
  });

  it('lot 20 at AQL 6.5 follows the arrow down from C to D: n = 8, Ac 1 Re 2', () => {
    const plan = aqlPlan(20, 6.5);
    assert.deepEqual([plan.codeLetter, plan.planLetter], ['C', 'D']);
    assert.deepEqual(pick(plan), [8, 1, 2]);
  });

  it('follows an arrow that points past the table the other way: lot 8 at AQL 10 (A, up) goes down to C, n = 5, Ac 1 Re 2', () => {
    const plan = aqlPlan(8, 10);
    assert.deepEqual([plan.codeLetter, plan.planLetter], ['A', 'C']);
    assert.deepEqual(pick(plan), [5, 1, 2]);
  });

  it('lot 60 at AQL 100 (nonconformities per 100 units): E, n = 13, Ac 21 Re 22', () => {
    assert.deepEqual(pick(aqlPlan(60, 100)), [13, 21, 22]);
  });

  it('lot 100 at AQL 150 follows the arrow up from F to E: n = 13, Ac 30 Re 31', () => {
    const plan = aqlPlan(100, 150);
    assert.equal(plan.codeLetter, 'F');
    assert.equal(plan.planLetter, 'E');
    assert.deepEqual(pick(plan), [13, 30, 31]);
  });

  it('finds a plan for every lot size band and AQL, with Re = Ac + 1', () => {
    for (const lot of [2, 9, 16, 26, 51, 91, 151, 281, 501, 1201, 3201, 10_001, 35_001, 150_001, 500_001]) {
      for (const aql of AQL_VALUES) {
        const plan = aqlPlan(lot, aql);
        assert.equal(plan.re, plan.ac + 1);
        assert.ok(plan.sampleSize >= 1 && plan.sampleSize <= lot, `lot ${lot} AQL ${aql}: ${plan.sampleSize}`);
      }
    }
  });

  it('refuses an AQL that is not in the table', () => {
    assert.throws(() => aqlPlan(100, 0.5 as AqlValue), RangeError);
  });
});

const pick = (p: { sampleSize: number; ac: number; re: number }) => [p.sampleSize, p.ac, p.re];

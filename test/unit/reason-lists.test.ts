import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ReasonRemovedError, UnknownReferenceError } from '#shared/domain/errors.ts';
import {
  activeCodes,
  assertActiveReason,
  assertKeepsEveryReason,
  DEFAULT_REASON_LISTS,
  REASON_LISTS,
  reasonListOf,
} from '#shared/domain/master-data/reason-lists.ts';

describe('reason lists', () => {
  it('gives each list its default until one is stored, and the stored one after', () => {
    for (const list of REASON_LISTS) {
      const shown = reasonListOf(list, undefined);
      assert.deepEqual([shown.isDefault, shown.version, shown.reasons], [true, 0, DEFAULT_REASON_LISTS[list].reasons]);
      assert.ok(shown.reasons.length >= 4 && shown.reasons.every((r) => r.active), `${list}: a usable default`);
    }
    const stored = reasonListOf('pause', {
      reasons: [{ code: 'X', name: 'X', active: true }],
      version: 4,
      updatedAt: '2026-12-03T06:00:00.000Z',
      updatedBy: 'u-p',
    });
    assert.deepEqual([stored.isDefault, stored.version, stored.updatedBy], [false, 4, 'u-p']);
  });

  it('takes an active code; refuses an unknown or retired one at the pointer, naming the list and its active codes', () => {
    const list = reasonListOf('scrap', {
      reasons: [
        { code: 'DIM', name: 'Dimension', active: true },
        { code: 'OLD', name: 'Old reason', active: false },
      ],
      version: 2,
      updatedAt: '2026-12-03T06:00:00.000Z',
      updatedBy: 'u-p',
    });
    assertActiveReason(list, 'DIM', '/body/scrapReasonCode');
    assert.throws(
      () => assertActiveReason(list, 'XYZ', '/body/scrapReasonCode'),
      (e: UnknownReferenceError) =>
        e instanceof UnknownReferenceError &&
        e.errors?.[0]?.pointer === '/body/scrapReasonCode' &&
        e.errors[0].detail === "XYZ is not on the plant's scrap reason list (known: DIM)",
    );
    assert.throws(() => assertActiveReason(list, 'OLD', '/body/x'), /OLD \(Old reason\) is retired from the plant's scrap reason list/);
    // Codes are exact: a name or another case is not the code.
    assert.throws(() => assertActiveReason(list, 'dim', '/body/x'), UnknownReferenceError);
    assert.throws(() => assertActiveReason(list, 'Dimension', '/body/x'), UnknownReferenceError);
  });

  it('lets a new version rename, retire and add, but never drop a code', () => {
    const before = DEFAULT_REASON_LISTS.hold;
    assertKeepsEveryReason(before, {
      reasons: [...before.reasons.map((r) => ({ ...r, name: `${r.name}!`, active: false })), { code: 'N', name: 'N', active: true }],
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: before.reasons.length - 1 }), (drop) => {
        const next = { reasons: before.reasons.filter((_, i) => i !== drop) };
        assert.throws(() => assertKeepsEveryReason(before, next), ReasonRemovedError);
      }),
    );
    assert.deepEqual(
      activeCodes({
        reasons: [
          { code: 'A', name: 'A', active: false },
          { code: 'B', name: 'B', active: true },
        ],
      }),
      ['B'],
    );
  });
});

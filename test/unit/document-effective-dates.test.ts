/**
 * Which version of a controlled document is in force when (issue 16, docs/documents.md
 * "Lifecycle"): computed on read from the approved versions' dates, so a version becomes
 * effective at its date with no write; and the commands that never rewrite a version's content.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentHash } from '#shared/domain/audit/canonical.ts';
import { contentOf, type DocumentContext, draftVersion, signVersion, submitVersion } from '#shared/domain/documents/documents.ts';
import { type ApprovedVersionEntry, type DocumentVersionRecord, effectiveAt, statusAt } from '#shared/domain/documents/model.ts';
import type { Signature } from '#shared/domain/signatures/model.ts';

const entry = (version: number, effectiveFrom: string): ApprovedVersionEntry => ({ version, effectiveFrom, title: 't', contentHash: 'h' });
const approved = [entry(1, '2026-01-01T00:00:00.000Z'), entry(2, '2026-03-01T00:00:00.000Z'), entry(3, '2026-06-01T00:00:00.000Z')];
const record = (version: number, status: DocumentVersionRecord['status'] = 'approved'): DocumentVersionRecord => ({
  documentId: 'WI-1',
  version,
  title: 't',
  kind: 'work-instruction',
  body: 'b',
  attachments: [],
  status,
  contentHash: 'h',
  createdAt: '2025-12-01T00:00:00.000Z',
  createdBy: 'u-author',
  createdByName: 'Author',
  ...(status === 'approved' ? { effectiveFrom: approved[version - 1]?.effectiveFrom } : {}),
});
let ids = 0;
const ctx = (now: string, userId = 'u-quality'): DocumentContext => ({
  tenantId: 't',
  actor: { userId, name: userId, roles: ['quality'] },
  now,
  newId: () => `id-${++ids}`,
});

describe('the version in force', () => {
  it('is the highest approved version whose date has come', () => {
    assert.equal(effectiveAt(approved, '2025-12-31T23:59:59.999Z'), undefined);
    assert.equal(effectiveAt(approved, '2026-01-01T00:00:00.000Z')?.version, 1);
    assert.equal(effectiveAt(approved, '2026-04-01T00:00:00.000Z')?.version, 2);
    assert.equal(effectiveAt(approved, '2027-01-01T00:00:00.000Z')?.version, 3);
  });

  it('reads approved (not yet), effective, then superseded at the next version’s date', () => {
    const at = '2026-04-01T00:00:00.000Z';
    assert.deepEqual(statusAt(record(1), approved, at), { status: 'superseded', supersededAt: '2026-03-01T00:00:00.000Z' });
    assert.deepEqual(statusAt(record(2), approved, at), { status: 'effective' });
    assert.deepEqual(statusAt(record(3), approved, at), { status: 'approved' });
    assert.deepEqual(statusAt(record(4, 'draft'), approved, at), { status: 'draft' });
  });
});

describe('document commands', () => {
  it('withdraws the version in review a new draft replaces, its content as written', () => {
    const first = draftVersion(ctx('2026-01-01T00:00:00.000Z'), 'WI-1', undefined, undefined, { title: 't', kind: 'sop', body: 'one' });
    const v1 = first.versions[0]?.after as DocumentVersionRecord;
    assert.equal(v1.contentHash, contentHash(contentOf(v1)));
    const review = submitVersion(ctx('2026-01-02T00:00:00.000Z'), first.after, v1);
    const inReview = review.versions[0]?.after as DocumentVersionRecord;
    const second = draftVersion(ctx('2026-01-03T00:00:00.000Z'), 'WI-1', review.after, inReview, { title: 't', kind: 'sop', body: 'two' });
    const withdrawn = second.versions[0]?.after as DocumentVersionRecord;
    assert.equal(withdrawn.status, 'withdrawn');
    assert.deepEqual(contentOf(withdrawn), contentOf(v1));
    assert.equal(second.after.latestVersion, 2);
    assert.throws(() => submitVersion(ctx('2026-01-04T00:00:00.000Z'), second.after, withdrawn), /only a draft goes to review/);
  });

  it('approves with the signature that completes the policy, never into the past or before the previous version', () => {
    const now = '2026-02-01T00:00:00.000Z';
    const first = draftVersion(ctx(now, 'u-author'), 'WI-1', undefined, undefined, { title: 't', kind: 'sop', body: 'one' });
    const review = submitVersion(ctx(now, 'u-author'), first.after, first.versions[0]?.after as DocumentVersionRecord);
    const inReview = review.versions[0]?.after as DocumentVersionRecord;
    const signature: Signature = {
      id: 's-1',
      recordType: 'document',
      recordId: 'WI-1@1',
      contentHash: inReview.contentHash,
      meaning: 'approval',
      meaningText: 'Approval',
      signerId: 'u-quality',
      printedName: 'Quinn',
      signedAt: now,
      method: 'password',
    };
    assert.throws(
      () =>
        signVersion(ctx(now), review.after, inReview, signature, {
          complete: true,
          effectiveFrom: '2026-01-01T00:00:00.000Z',
          signatures: [signature],
        }),
      /effectiveFrom|past/,
    );
    const signedOnly = signVersion(ctx(now), review.after, inReview, signature, { complete: false, effectiveFrom: now, signatures: [signature] });
    assert.deepEqual(signedOnly.versions, []);
    assert.deepEqual(
      signedOnly.audits.map((a) => a.action),
      ['signed'],
    );
    const done = signVersion(ctx(now), review.after, inReview, signature, { complete: true, effectiveFrom: now, signatures: [signature] });
    assert.equal(done.versions[0]?.after.status, 'approved');
    assert.deepEqual(
      done.audits.map((a) => [a.version, a.action]),
      [
        [3, 'signed'],
        [4, 'document.approve'],
      ],
    );
    assert.deepEqual(
      done.events.map((e) => [e.type, e.sequence]),
      [
        ['signature.applied', 3],
        ['document.approved', 4],
      ],
    );
    assert.deepEqual(done.after.approved, [{ version: 1, effectiveFrom: now, title: 't', contentHash: inReview.contentHash }]);
  });
});

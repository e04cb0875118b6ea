/**
 * The qualification rules as pure functions (issue 18; docs/qualifications.md): each reason a
 * requirement is missing, expiry from a validity in months, requirements named twice merged,
 * and what an operation requires at release (routing operation, unit, document training).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeMissing, type QualificationMissingError } from '#shared/domain/qualifications/gate.ts';
import { QualificationService } from '#shared/domain/qualifications/service.ts';
import { expiryOf, mergeRequirements, missingFor, type OperationRequirement } from '#shared/domain/qualifications/model.ts';
import { requirementsForRelease } from '#shared/domain/qualifications/requirements.ts';

const NOW = '2030-03-01T08:00:00.000Z';
const req = (qualificationId: string, extra: Partial<OperationRequirement> = {}): OperationRequirement => ({
  qualificationId,
  qualificationName: qualificationId.toUpperCase(),
  source: 'operation',
  ...extra,
});
const olivia = (qualifications: Parameters<typeof missingFor>[1]['qualifications']) => ({
  personnelId: 'p-o',
  personName: 'Olivia Bakker',
  qualifications,
});

describe('qualification rules', () => {
  it('names each reason: missing, expired, level too low, training on a newer version', () => {
    const missing = missingFor(
      [req('a'), req('b'), req('c', { minLevel: 3 }), req('d', { documentId: 'WI-1', documentVersion: 2 }), req('e')],
      olivia([
        { qualificationId: 'b', grantedAt: '2029-01-01T00:00:00Z', expiresAt: NOW },
        { qualificationId: 'c', level: 2, grantedAt: '2029-01-01T00:00:00Z' },
        { qualificationId: 'd', grantedAt: '2029-01-01T00:00:00Z', documentVersion: 1 },
        { qualificationId: 'e', grantedAt: '2029-01-01T00:00:00Z', expiresAt: '2030-03-01T08:00:00.001Z' },
      ]),
      NOW,
    );
    assert.deepEqual(
      missing.map((m) => [m.qualificationId, m.reason]),
      [
        ['a', 'missing'],
        ['b', 'expired'],
        ['c', 'level-too-low'],
        ['d', 'training-required'],
      ],
    );
    assert.equal(describeMissing(missing[1] as never), 'Olivia Bakker: B expired on 2030-03-01');
    assert.equal(describeMissing(missing[2] as never), 'Olivia Bakker: C (level 3) needed, holds level 2');
  });

  it('gives a grant its validity in calendar months when it names no expiry', () => {
    assert.equal(expiryOf({ qualificationId: 'a', grantedAt: '2030-01-31T00:00:00.000Z' }, 12), '2031-01-31T00:00:00.000Z');
    assert.equal(
      expiryOf({ qualificationId: 'a', grantedAt: '2030-01-01T00:00:00Z', expiresAt: '2030-06-01T00:00:00Z' }, 12),
      '2030-06-01T00:00:00Z',
    );
    assert.equal(expiryOf({ qualificationId: 'a', grantedAt: '2030-01-01T00:00:00Z' }, undefined), undefined);
  });

  it('counts a qualification required twice once: the higher level, the later document version', () => {
    assert.deepEqual(
      mergeRequirements([
        req('a', { minLevel: 2 }),
        req('a', { source: 'equipment wc-1', minLevel: 3 }),
        req('a', { documentId: 'WI-1', documentVersion: 4 }),
      ]),
      [req('a', { minLevel: 3, documentId: 'WI-1', documentVersion: 4 })],
    );
  });

  it('copies at release: the routing operation, its unit, and the training on its documents', () => {
    const meta = { version: 1, updatedAt: NOW, updatedBy: 'u' };
    const byOp = requirementsForRelease(
      {
        id: 'RT',
        materialId: 'M',
        ...meta,
        operations: [
          {
            seq: 10,
            name: 'Press',
            workCenterId: 'wc-1',
            standardTimeSeconds: 0,
            setupTimeSeconds: 0,
            instructions: '',
            dataToRecord: [],
            documentIds: ['WI-1'],
            requiredQualifications: [{ qualificationId: 'press', minLevel: 2 }],
          },
          { seq: 20, name: 'Pack', workCenterId: 'wc-2', standardTimeSeconds: 0, setupTimeSeconds: 0, instructions: '', dataToRecord: [] },
        ],
      },
      [{ id: 'wc-1', name: 'Press cell', level: 'workCenter', ...meta, requiredQualifications: [{ qualificationId: 'cert' }] }],
      [
        { id: 'press', name: 'Press operation', kind: 'skill', ...meta },
        { id: 'cert', name: 'Press certificate', kind: 'certification', ...meta },
        { id: 'wi', name: 'WI training', kind: 'training', documentId: 'WI-1', ...meta },
      ],
      new Map([[10, [{ documentId: 'WI-1', version: 3, title: 'WI', kind: 'work-instruction' as const, contentHash: 'h', effectiveFrom: NOW }]]]),
    );
    assert.deepEqual(byOp.get(10), [
      { qualificationId: 'press', qualificationName: 'Press operation', minLevel: 2, source: 'operation' },
      { qualificationId: 'cert', qualificationName: 'Press certificate', source: 'equipment wc-1' },
      { qualificationId: 'wi', qualificationName: 'WI training', source: 'document WI-1', documentId: 'WI-1', documentVersion: 3 },
    ]);
    assert.equal(byOp.has(20), false);
  });
});

describe('the gate for a crew (clock-on)', () => {
  const reads: string[] = [];
  const meta = { version: 1, updatedAt: NOW, updatedBy: 'u' };
  const people = {
    get: async () => undefined,
    list: async () => [],
    forUser: async () => undefined,
    forPeople: async (_t: string, ids: readonly string[]) => {
      reads.push(`people ${ids.join(',')}`);
      return ids.map((id) => ({
        personnelId: id,
        personName: id === 'p-a' ? 'Ann' : 'Bo',
        qualifications: id === 'p-a' ? [{ qualificationId: 'press', grantedAt: NOW }] : [],
      }));
    },
    usersOf: async () => [],
    save: async () => {},
  };
  const masterData = {
    get: async (_t: string, kind: string, id: string) => {
      reads.push(`${kind} ${id}`);
      return kind === 'equipment' && id === 'wu-2'
        ? { id, name: 'Press 2', level: 'workUnit', ...meta, requiredQualifications: [{ qualificationId: 'cert' }] }
        : undefined;
    },
    getMany: async (_t: string, kind: string, ids: readonly string[]) => {
      reads.push(`${kind} ${ids.join(',')}`);
      return [{ id: 'cert', name: 'Press certificate', kind: 'certification', ...meta }];
    },
    put: async () => ({}),
    list: async () => ({ items: [] }),
    listAll: async () => [],
  };
  const gate = new QualificationService(people as never, masterData as never, {
    linkOf: async () => undefined,
    rolesOf: async () => [],
    requirementsOf: async () => {
      reads.push('order');
      return { requirements: [req('press')], workCenterId: 'wc-1' };
    },
    signing: async () => ({ authenticate: async () => assert.fail('no signing without an override') }),
  });
  const auth = { tenantId: 't', userId: 'u-sup', name: 'Sam', roles: ['supervisor' as const] };

  it('reads the order and the crew once; the unit released to is not read again', async () => {
    reads.length = 0;
    await assert.rejects(
      gate.check(auth, { workOrderId: 'WO-1', seq: 10, equipmentId: 'wc-1', personnelIds: ['p-a', 'p-b'] }),
      (e: QualificationMissingError) => {
        assert.deepEqual(
          e.missing.map((m) => [m.personName, m.qualificationId, m.reason]),
          [['Bo', 'press', 'missing']],
        );
        return true;
      },
    );
    assert.deepEqual(reads, ['order', 'people p-a,p-b']);
  });

  it('adds the requirements of another unit the crew clocks on at', async () => {
    reads.length = 0;
    await assert.rejects(
      gate.check(auth, { workOrderId: 'WO-1', seq: 10, equipmentId: 'wu-2', personnelIds: ['p-a'], requirements: [req('press')] }),
      (e: QualificationMissingError) => {
        assert.deepEqual(
          e.missing.map((m) => [m.qualificationName, m.reason]),
          [['Press certificate', 'missing']],
        );
        return true;
      },
    );
    assert.deepEqual(reads, ['equipment wu-2', 'qualification cert', 'people p-a']);
  });

  it('reads nothing when the operation requires nothing', async () => {
    reads.length = 0;
    assert.deepEqual(await gate.check(auth, { workOrderId: 'WO-1', seq: 10, personnelIds: ['p-a'], requirements: [] }), { missing: [] });
    assert.deepEqual(reads, []);
  });
});

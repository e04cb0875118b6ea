/**
 * Clock-on asks the qualification gate (i18-qual's contract, shared/domain/qualifications/gate.ts)
 * about the whole crew before anything is written: a refusal writes nothing; an accepted
 * override is kept on each entry.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuthContext } from '#shared/auth/claims.ts';
import type { LaborHead, LaborRepository, LaborWrite } from '#shared/domain/labor/model.ts';
import { LaborService } from '#shared/domain/labor/service.ts';
import {
  type GateSubject,
  type QualificationGate,
  QualificationMissingError,
  type QualificationOverride,
} from '#shared/domain/qualifications/gate.ts';
import type { WorkOrderAggregate } from '#shared/domain/work-order/model.ts';

const auth: AuthContext = { tenantId: 't1', userId: 'u-sup', name: 'Sam Supervisor', roles: ['supervisor'] };
const order = {
  id: 'WO-1',
  status: 'IN_PROGRESS',
  materialId: 'FG',
  materialName: 'Pump',
  quantity: 5,
  operations: [{ seq: 10, name: 'Assemble', status: 'RUNNING', workCenterId: 'wc-1', setupTimeSeconds: 0, standardTimeSeconds: 60 }],
} as unknown as WorkOrderAggregate;

function service(gate: QualificationGate) {
  const commits: LaborWrite[][] = [];
  const labor: LaborRepository = {
    heads: async () => new Map<string, LaborHead>(),
    commit: async (_t, writes) => void commits.push([...writes]),
    personEntries: async () => [],
    orderEntries: async () => [],
    active: async () => [],
  };
  const masterData = {
    get: async () => undefined,
    getMany: async (_t: string, _k: string, ids: readonly string[]) => ids.map((id) => ({ id, name: `Person ${id}`, active: true })),
  };
  const svc = new LaborService(labor, { get: async () => order }, masterData as never, { now: () => new Date('2030-01-07T13:00:00Z') }, gate);
  return { svc, commits };
}

describe('labor: the qualification gate on clock-on', () => {
  it('asks about the whole crew, and a refusal (409 naming what is missing) writes nothing', async () => {
    const asked: GateSubject[] = [];
    const missing = [
      {
        personnelId: 'p-ann',
        personName: 'Person p-ann',
        qualificationId: 'Q-TORQUE',
        qualificationName: 'Torque wrench',
        reason: 'missing' as const,
      },
    ];
    const { svc, commits } = service({
      check: async (_a, subject) => {
        asked.push(subject);
        throw new QualificationMissingError(missing);
      },
    });
    await assert.rejects(svc.clockOn(auth, 'WO-1', 10, { personnelIds: ['p-ann', 'p-ben'] }), (e: QualificationMissingError) => {
      assert.equal(e.status, 409);
      assert.deepEqual(e.missing, missing);
      return true;
    });
    assert.deepEqual(asked, [{ workOrderId: 'WO-1', seq: 10, personnelIds: ['p-ann', 'p-ben'], requirements: [] }]);
    assert.equal(commits.length, 0);
  });

  it('passes the override on and keeps who overrode, why, their signature and what was missing on the entry of each person who lacked something', async () => {
    let given: QualificationOverride | undefined;
    const missing = [
      {
        personnelId: 'p-ann',
        personName: 'Person p-ann',
        qualificationId: 'Q-TORQUE',
        qualificationName: 'Torque wrench',
        reason: 'missing' as const,
      },
    ];
    const signature = {
      id: 'sig-1',
      recordType: 'work-order',
      recordId: 'WO-1',
      contentHash: 'h',
      meaning: 'responsibility',
      meaningText: 'Responsibility',
      signerId: 'u-sup',
      printedName: 'Sam Supervisor',
      signedAt: '2030-01-07T13:00:00.000Z',
      method: 'password',
    } as const;
    const { svc, commits } = service({
      check: async (_a, _s, override) => {
        given = override;
        return { overriddenBy: 'u-sup', overrideReason: override?.reason ?? '', missing, signature };
      },
    });
    const override = { reason: 'Ann is trained, the record is late', signature: { userId: 'u-sup', password: 'pw' } };
    await svc.clockOn(auth, 'WO-1', 10, { personnelIds: ['p-ann', 'p-ben'], qualificationOverride: override });
    assert.deepEqual(given, override);
    const [ann, ben] = commits[0] ?? [];
    const entry = ann?.opened[0];
    assert.equal(entry?.overriddenBy, 'u-sup');
    assert.equal(entry?.overrideReason, 'Ann is trained, the record is late');
    assert.equal(entry?.overrideSignatureId, 'sig-1');
    assert.deepEqual(entry?.overrideMissing, missing);
    assert.equal(ann?.audit.reason, 'qualification override by Sam Supervisor (u-sup): Ann is trained, the record is late');
    assert.deepEqual(
      ann?.events.map((e) => [e.type, e.sequence]),
      [
        ['labor.clocked-on', 1],
        ['qualification.overridden', 2],
      ],
    );
    // Ben lacked nothing: his entry is plain.
    assert.equal(ben?.opened[0]?.overriddenBy, undefined);
    assert.equal(ben?.audit.reason, undefined);
    assert.deepEqual(
      ben?.events.map((e) => e.type),
      ['labor.clocked-on'],
    );
  });
});

/**
 * A person's labor read ends an entry left open on an operation that completed since (or an
 * order cancelled) then, as the order's read does (issue 18 review): it is not counted until now,
 * nor shown as what they are on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuthContext } from '#shared/auth/claims.ts';
import type { LaborEntry, LaborHead, LaborRepository } from '#shared/domain/labor/model.ts';
import { LaborService } from '#shared/domain/labor/service.ts';
import type { WorkOrderAggregate } from '#shared/domain/work-order/model.ts';

const auth: AuthContext = { tenantId: 't1', userId: 'u-sup', name: 'Sam Supervisor', roles: ['supervisor'] };
const entry = (workOrderId: string): LaborEntry => ({
  entryId: `e-${workOrderId}`,
  personnelId: 'p-ann',
  personName: 'Ann',
  workOrderId,
  seq: 10,
  kind: 'run',
  startedAt: '2030-01-07T12:00:00.000Z',
  startedBy: 'p-ann',
});
const orders: Record<string, WorkOrderAggregate> = {
  'WO-DONE': {
    id: 'WO-DONE',
    status: 'IN_PROGRESS',
    operations: [{ seq: 10, status: 'DONE', completedAt: '2030-01-07T12:30:00.000Z' }],
  } as unknown as WorkOrderAggregate,
  'WO-CANCELLED': {
    id: 'WO-CANCELLED',
    status: 'CANCELLED',
    cancelledAt: '2030-01-07T12:15:00.000Z',
    operations: [{ seq: 10, status: 'RUNNING' }],
  } as unknown as WorkOrderAggregate,
};

function service(open: LaborEntry[]) {
  const head: LaborHead = {
    personnelId: 'p-ann',
    personName: 'Ann',
    version: 1,
    eventSeq: 1,
    open,
    updatedAt: open[0]?.startedAt ?? '',
    updatedBy: 'p-ann',
  };
  const labor: LaborRepository = {
    heads: async () => new Map([['p-ann', head]]),
    commit: async () => undefined,
    personEntries: async () => open,
    orderEntries: async () => [],
    active: async () => [],
  };
  const masterData = { get: async () => undefined, getMany: async () => [] };
  return new LaborService(labor, { get: async (_t, id) => orders[id] }, masterData as never, { now: () => new Date('2030-01-07T13:00:00Z') });
}

describe('labor: a person’s read of entries left open on finished work', () => {
  it('ends one on a completed operation at its completion, and one on a cancelled order at its cancellation', async () => {
    const done = await service([entry('WO-DONE')]).personLabor(auth, 'p-ann', {});
    assert.equal(done.totalMinutes, 30);
    assert.deepEqual(done.open, []);
    const cancelled = await service([entry('WO-CANCELLED')]).personLabor(auth, 'p-ann', {});
    assert.equal(cancelled.totalMinutes, 15);
    assert.deepEqual(cancelled.open, []);
  });
});

/**
 * Labor writes fit DynamoDB's 100-item transactions (issue 18 review): clocking everyone off an
 * operation commits each person's write whole in transactions of at most 100 items; an indirect
 * crew (6 items a person) is capped so its one transaction fits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuthContext } from '#shared/auth/claims.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import {
  itemCountOf,
  type LaborEntry,
  type LaborHead,
  type LaborRepository,
  type LaborWrite,
  MAX_CREW,
  MAX_INDIRECT_CREW,
  MAX_TRANSACTION_ITEMS,
  transactionsOf,
} from '#shared/domain/labor/model.ts';
import { LaborService } from '#shared/domain/labor/service.ts';
import type { WorkOrderAggregate } from '#shared/domain/work-order/model.ts';

const auth: AuthContext = { tenantId: 't1', userId: 'u-sup', name: 'Sam Supervisor', roles: ['supervisor'] };
const T = '2030-01-07T12:00:00.000Z';
const people = Array.from({ length: 40 }, (_, i) => `p-${i}`);
const entryOf = (p: string): LaborEntry => ({
  entryId: `e-${p}`,
  personnelId: p,
  personName: p,
  workOrderId: 'WO-1',
  seq: 10,
  kind: 'run',
  startedAt: T,
  startedBy: p,
});

function service() {
  const commits: LaborWrite[][] = [];
  const heads = new Map<string, LaborHead>(
    people.map((p) => [p, { personnelId: p, personName: p, version: 1, eventSeq: 1, open: [entryOf(p)], updatedAt: T, updatedBy: p }]),
  );
  const labor: LaborRepository = {
    heads: async (_t, ids) => new Map(ids.flatMap((id) => (heads.has(id) ? [[id, heads.get(id) as LaborHead] as const] : []))),
    commit: async (_t, writes) => void commits.push([...writes]),
    personEntries: async () => [],
    orderEntries: async () => people.map(entryOf),
    active: async () => [],
  };
  const masterData = {
    get: async () => ({ id: 'indirect', reasons: [{ code: 'CLEAN', name: 'Cleaning', active: true }] }),
    getMany: async (_t: string, _k: string, ids: readonly string[]) => ids.map((id) => ({ id, name: id, active: true })),
  };
  const order = { id: 'WO-1', status: 'IN_PROGRESS', operations: [] } as unknown as WorkOrderAggregate;
  const svc = new LaborService(labor, { get: async () => order }, masterData as never, { now: () => new Date('2030-01-07T13:00:00Z') });
  return { svc, commits };
}

describe('labor: transactions of at most 100 items', () => {
  it('groups writes whole, none over the limit', () => {
    const w = (events: number) => ({ opened: [], closed: [entryOf('x')], events: Array.from({ length: events }) }) as unknown as LaborWrite;
    const groups = transactionsOf([w(1), w(1), w(40), w(50), w(1)], 100);
    assert.deepEqual(
      groups.map((g) => g.reduce((n, x) => n + itemCountOf(x), 0)),
      [51, 57],
    );
    assert.deepEqual(transactionsOf([]), []);
  });

  it('clocks 40 people off a completed operation in transactions that each fit', async () => {
    const { svc, commits } = service();
    await svc.clockOffOperations(auth, 'WO-1', [10], 'operation-completed');
    assert.equal(commits.flat().length, 40, 'everyone clocked off');
    assert.ok(commits.length > 1);
    for (const group of commits) assert.ok(group.reduce((n, w) => n + itemCountOf(w), 0) <= MAX_TRANSACTION_ITEMS);
  });

  it('an indirect crew is capped so its one transaction fits; a full clock-on crew fits too', async () => {
    assert.ok(MAX_INDIRECT_CREW * 6 <= MAX_TRANSACTION_ITEMS);
    assert.ok(MAX_CREW * 5 <= MAX_TRANSACTION_ITEMS);
    const { svc, commits } = service();
    await assert.rejects(
      svc.indirectOn(auth, { reasonCode: 'CLEAN', personnelIds: people.slice(0, MAX_INDIRECT_CREW + 1) }),
      (e: ValidationError) => e instanceof ValidationError && /at most 16 people/.test(e.message + JSON.stringify(e.members ?? {})),
    );
    assert.equal(commits.length, 0);
  });
});

/**
 * Preventive plans (shared/domain/maintenance/plans.ts), pure: a counter plan carries the cycles
 * past its count into the next; a changed plan is re-based on its new trigger.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MaintenancePlan } from '#shared/domain/maintenance/model.ts';
import { cyclesTowardNext, dueOccurrence, planRaised, putPlan } from '#shared/domain/maintenance/plans.ts';

const actor = { userId: 'u-tech', name: 'Tech', roles: ['maintenance'] as const };
const T0 = '2026-01-01T00:00:00.000Z';
const counter = (everyCycles: number): MaintenancePlan =>
  putPlan(actor, T0, 'PM-1', { equipmentId: 'wu-1', task: 'Punch', trigger: { kind: 'counter', everyCycles } }, undefined).after;

describe('maintenance plans', () => {
  it('carries the cycles past a counter plan’s count into the next count', () => {
    const plan = counter(100);
    assert.equal(dueOccurrence(plan, Date.parse(T0), cyclesTowardNext(plan, 99)), undefined);
    const due = cyclesTowardNext(plan, 130);
    assert.equal(dueOccurrence(plan, Date.parse(T0), due), 1);
    const raised = planRaised(plan, 1, 'MR-2026-00001', '2026-01-02T00:00:00.000Z', due);
    assert.deepEqual([raised.countFrom, raised.carriedCycles], ['2026-01-02T00:00:00.000Z', 30]);
    // 70 more since the request: with the 30 carried, due again (dropped, it would wait for 100).
    assert.equal(dueOccurrence(raised, Date.parse(T0), cyclesTowardNext(raised, 69)), undefined);
    const again = cyclesTowardNext(raised, 70);
    assert.equal(dueOccurrence(raised, Date.parse(T0), again), 2);
    assert.equal(planRaised(raised, 2, 'MR-2026-00002', '2026-01-03T00:00:00.000Z', again).carriedCycles, 0);
    // Several counts at once (the job was down): one request, the remainder carried.
    assert.equal(planRaised(plan, 1, 'MR-2026-00003', '2026-01-02T00:00:00.000Z', 250).carriedCycles, 50);
  });

  it('re-bases a changed calendar trigger on the last request, and a counter moved to another unit on the change', () => {
    const weekly = { kind: 'calendar' as const, every: 1, unit: 'weeks' as const, start: T0 };
    const created = putPlan(actor, T0, 'PM-2', { equipmentId: 'wu-1', task: 'Grease', trigger: weekly }, undefined).after;
    // Raised for week 11 (occurrence 11) on day 70.
    const raised = planRaised(created, 11, 'MR-2026-00004', '2026-03-12T00:00:00.000Z');
    const input = { equipmentId: 'wu-1', task: 'Grease', trigger: { ...weekly, every: 2 } };
    const fortnightly = putPlan(actor, '2026-03-13T00:00:00.000Z', 'PM-2', input, raised).after;
    // Day 70 is fortnightly occurrence 6 (day 70): the next is day 84, not occurrence 12 (day 154).
    assert.deepEqual([fortnightly.lastOccurrence, fortnightly.nextDueAt], [6, '2026-03-26T00:00:00.000Z']);
    // Same trigger: kept as it was.
    assert.equal(putPlan(actor, '2026-03-13T00:00:00.000Z', 'PM-2', { ...input, trigger: weekly }, raised).after.lastOccurrence, 11);

    const carried = planRaised(counter(100), 1, 'MR-2026-00005', '2026-01-02T00:00:00.000Z', 130);
    const bigger = putPlan(
      actor,
      '2026-01-03T00:00:00.000Z',
      'PM-1',
      { equipmentId: 'wu-1', task: 'Punch', trigger: { kind: 'counter', everyCycles: 200 } },
      carried,
    );
    assert.deepEqual([bigger.after.countFrom, bigger.after.carriedCycles], ['2026-01-02T00:00:00.000Z', 30]);
    const moved = putPlan(
      actor,
      '2026-01-03T00:00:00.000Z',
      'PM-1',
      { equipmentId: 'wu-2', task: 'Punch', trigger: { kind: 'counter', everyCycles: 100 } },
      carried,
    );
    assert.deepEqual([moved.after.countFrom, moved.after.carriedCycles], ['2026-01-03T00:00:00.000Z', undefined]);
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { keys } from '#shared/db/keys.ts';
import { TABLE } from '#shared/db/table.ts';
import { decodeCursor, encodeCursor } from '#shared/db/pagination.ts';
import { ValidationError } from '#shared/domain/errors.ts';

describe('key design', () => {
  it('starts every partition key, in the table and in every GSI, with the tenant id', () => {
    const t = 'acme';
    const built: Record<string, unknown>[] = [
      keys.masterData(t, 'equipment', 'E1'),
      keys.masterDataAudit(t, 'routing', 'R1', 3),
      keys.tenantSettings(t),
      keys.workOrder(t, 'WO-1'),
      keys.operation(t, 'WO-1', 10),
      keys.audit(t, 'WO-1', 4),
      keys.outboxEvent(t, 'WO-1', 4, 1),
      keys.workOrdersByStatus(t, 'RELEASED', '2026-01-01T00:00:00.000Z', 'WO-1'),
      keys.workOrdersByWorkCenter(t, 'WC', 'RELEASED', '2026-01-01T00:00:00.000Z', 'WO-1'),
      keys.dispatchEntry(t, 'WC', 5, '2026-01-01T00:00:00.000Z', 'WO-1', 10),
      keys.idempotency(t, 'work-orders', 'k'),
      keys.connectionEvent(t, `${t}:wu-1`, 0, 1, true),
      keys.declaredPresence(t, 'wu-1', 0, 'm-1'),
      keys.telemetryBucket(t, 3, Date.UTC(2026, 0, 5, 6, 1)),
      keys.telemetryDay(t, 3, Date.UTC(2026, 0, 5)),
      keys.telemetryRollupState(t),
      keys.genealogyOut(t, 'lot:L1', 'serial:S1'),
      keys.genealogyIn(t, 'serial:S1', 'lot:L1'),
      keys.genealogyAdjacency(t, 'lot:L1', 'OUT', 0),
    ];
    const partitionAttributes = [TABLE.partitionKey, ...TABLE.globalSecondaryIndexes.map((g) => g.partitionKey)] as string[];
    for (const item of built) {
      const present = partitionAttributes.filter((a) => a in item);
      assert.ok(present.length > 0, JSON.stringify(item));
      for (const a of present) assert.ok(String(item[a]).startsWith(`${t}#`), `${a}=${String(item[a])}`);
    }
  });

  it("has one partition that is no tenant's: the tenants the rollup visits, holding nothing but their ids", () => {
    const entry = keys.telemetryTenant('acme');
    assert.equal(entry.pk, keys.telemetryTenantsPartition);
    // Even a tenant called SYSTEM cannot reach it: no tenant key ends in #TLMTENANTS.
    assert.ok(!readFileSync(new URL('../../shared/db/keys.ts', import.meta.url), 'utf8').includes('}#TLMTENANTS'));
    assert.equal(entry.sk, 'acme');
  });

  it("keeps a group's days in one partition, sorted by date, so a range of days is one Query", () => {
    const a = keys.telemetryDay('t', 1, Date.UTC(2025, 11, 31));
    const b = keys.telemetryDay('t', 1, Date.UTC(2026, 0, 1));
    assert.equal(a.pk, b.pk);
    assert.equal(a.pk, keys.telemetryDayPartition('t', 1));
    assert.ok(a.sk < b.sk);
  });

  it("keeps a node's edges both ways and its adjacency chunks in its genealogy partition, chunks in order", () => {
    const p = keys.genealogyPartition('t', 'lot:L1');
    assert.equal(keys.genealogyOut('t', 'lot:L1', 'serial:S1').pk, p);
    assert.equal(keys.genealogyIn('t', 'lot:L1', 'lot:L0').pk, p);
    assert.equal(keys.genealogyAdjacency('t', 'lot:L1', 'IN', 3).pk, p);
    assert.ok(keys.genealogyAdjacency('t', 'lot:L1', 'OUT', 9).sk < keys.genealogyAdjacency('t', 'lot:L1', 'OUT', 10).sk);
    // The adjacency chunks never fall inside a Query of a node's IN# or OUT# edge items.
    assert.ok(!keys.genealogyAdjacency('t', 'lot:L1', 'IN', 0).sk.startsWith('IN#'));
  });

  it('sorts operations and audit records by number, and selects header plus operations with sk >= OP#', () => {
    assert.ok(keys.operation('t', 'w', 9).sk < keys.operation('t', 'w', 10).sk);
    assert.ok(keys.audit('t', 'w', 9).sk < keys.audit('t', 'w', 10).sk);
    const from = keys.workOrderWithOperationsFrom;
    assert.ok(keys.operation('t', 'w', 1).sk >= from && keys.workOrder('t', 'w').sk >= from);
    assert.ok(keys.audit('t', 'w', 1).sk < from && keys.outboxEvent('t', 'w', 1, 1).sk < from);
  });

  it('sorts the dispatch list by priority, then due date', () => {
    const a = keys.dispatchEntry('t', 'wc', 2, '2026-03-01T00:00:00.000Z', 'A', 10).gsi2sk;
    const b = keys.dispatchEntry('t', 'wc', 10, '2026-01-01T00:00:00.000Z', 'B', 10).gsi2sk;
    const c = keys.dispatchEntry('t', 'wc', 10, '2026-02-01T00:00:00.000Z', 'C', 10).gsi2sk;
    assert.deepEqual([c, b, a].sort(), [a, b, c]);
  });

  it('refuses a cursor for another partition, so no cursor reaches another tenant', () => {
    const cursor = encodeCursor({ pk: 'other#MD#equipment', sk: 'E1' });
    assert.throws(() => decodeCursor(cursor, ['pk', 'sk'], 'pk', 'acme#MD#equipment'), ValidationError);
    assert.throws(() => decodeCursor(encodeCursor({ pk: 'acme#MD#equipment' }), ['pk', 'sk'], 'pk', 'acme#MD#equipment'), ValidationError);
    assert.throws(() => decodeCursor('garbage', ['pk', 'sk'], 'pk', 'acme#MD#equipment'), ValidationError);
    assert.deepEqual(decodeCursor(encodeCursor({ pk: 'acme#MD#equipment', sk: 'E1' }), ['pk', 'sk'], 'pk', 'acme#MD#equipment'), {
      pk: 'acme#MD#equipment',
      sk: 'E1',
    });
  });
});

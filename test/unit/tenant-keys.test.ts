/**
 * Every key shape of shared/db/keys.ts starts with `{tenant}#` (tenant isolation, issue 17:
 * the guard and the tenant role's `dynamodb:LeadingKeys` both rely on it), except the few
 * partitions no tenant owns, listed here with why: each holds tenant ids only and is written in
 * the system scope (docs/isolation.md). A new key that does not start with the tenant fails
 * here until it is fixed or added to the list with its reason.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keys } from '#shared/db/keys.ts';
import { cursorAttributes, decodeCursor, encodeCursor } from '#shared/db/pagination.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import { TABLE } from '#shared/db/table.ts';

const NOT_A_TENANTS: Record<string, string> = {
  telemetryTenant: 'SYSTEM#TLMTENANTS: which tenants sent telemetry, for the rollup job (telemetry ingest, its own role)',
  telemetryTenantsPartition: 'the same partition',
  liveTenant: '#LIVE-TENANTS#{day}: which tenants moved the live view, for the refresh job; API requests put here in the system scope',
  liveTenantsPartition: 'the same partition',
  auditTenant: '#AUDIT-TENANTS#{day}: which tenants wrote audit records, for the checkpoint job; API requests put here in the system scope',
  auditTenantsPartition: 'the same partition',
  maintenanceTenant:
    '#MAINT-TENANTS: which tenants keep preventive maintenance plans, for the plan job (issue 18); API requests put here in the system scope',
  signature: "takes its record's partition (recordPk), which starts with the tenant: checked below",
};

/** A value of the right kind for a key builder's other arguments: a time is accepted both as ISO text and, failing that, as a number. */
function build(fn: (...args: never[]) => unknown, tenant: string): unknown {
  const rest = Array.from({ length: Math.max(0, fn.length - 1) });
  try {
    return (fn as (...a: unknown[]) => unknown)(tenant, ...rest.map(() => '2026-01-05T06:01:00.000Z'));
  } catch {
    return (fn as (...a: unknown[]) => unknown)(tenant, ...rest.map(() => Date.UTC(2026, 0, 5, 6, 1)));
  }
}

/** A builder's partition key values: its pk/gsi pk attributes, or the text a `…Partition` builder returns (other text is a sort key prefix). */
const partitionValues = (name: string, built: unknown): string[] => {
  if (typeof built === 'string') return name.endsWith('Partition') ? [built] : [];
  if (!built || typeof built !== 'object') return [];
  const names = [TABLE.partitionKey, ...TABLE.globalSecondaryIndexes.map((gsi) => gsi.partitionKey)] as string[];
  return names.flatMap((name) => (name in built ? [String((built as Record<string, unknown>)[name])] : []));
};

describe('tenant keys: every key shape starts with {tenant}#', () => {
  const tenant = 'acme';
  const builders = Object.entries(keys).filter(([, v]) => typeof v === 'function') as [string, (...args: never[]) => unknown][];

  it('builds every partition key, table and indexes, with the tenant first and then #', () => {
    const offenders = builders
      .filter(([name]) => !(name in NOT_A_TENANTS))
      .flatMap(([name, fn]) =>
        partitionValues(name, build(fn, tenant))
          .filter((value) => !value.startsWith(`${tenant}#`))
          .map((value) => `${name}: ${value}`),
      );
    assert.deepEqual(offenders, []);
  });

  it('lists as no tenant\'s only partitions that start with neither a tenant id nor "{tenant}#"', () => {
    assert.equal(keys.telemetryTenantsPartition, 'SYSTEM#TLMTENANTS');
    assert.ok(keys.liveTenantsPartition('2026-01-05').startsWith('#'));
    assert.ok(keys.auditTenantsPartition('2026-01-05').startsWith('#'));
    // A signature lives in its record's partition.
    assert.ok(keys.signature(keys.workOrderPartition(tenant, 'WO-1'), '2026-01-05', 's1').pk.startsWith(`${tenant}#`));
  });

  it('cannot be reached by a tenant id: the system registries start with #, and no tenant id holds # or matches SYSTEM', () => {
    // TenantIdSchema: [a-z0-9][a-z0-9-]{0,62}, so `SYSTEM#…` and `#…` are no tenant's prefix.
    for (const value of ['SYSTEM#TLMTENANTS', keys.liveTenantsPartition('2026-01-05'), keys.auditTenantsPartition('2026-01-05')]) {
      assert.ok(!/^[a-z0-9][a-z0-9-]{0,62}#/.test(value), value);
    }
  });

  it("refuses as bad input (400) an index cursor whose table key is another tenant's, before the guard would see it as a bug", () => {
    const attributes = cursorAttributes({ partitionKey: 'gsi1pk', sortKey: 'gsi1sk' });
    const cursor = (pk: string) => encodeCursor({ gsi1pk: 'acme#WO', gsi1sk: 'RELEASED#x', pk, sk: 'WO' });
    assert.ok(decodeCursor(cursor('acme#WO#WO-1'), attributes, 'gsi1pk', 'acme#WO'));
    assert.throws(() => decodeCursor(cursor('acme-2#WO#WO-1'), attributes, 'gsi1pk', 'acme#WO'), ValidationError);
  });
});

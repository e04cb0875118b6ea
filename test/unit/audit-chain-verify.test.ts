/** The audit chain's links and their verification (shared/domain/audit/chain.ts, verify.ts), pure. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type ChainedRecord, chainOf, describeChain, GENESIS_HASH, linkRecords } from '#shared/domain/audit/chain.ts';
import { verifyAudit } from '#shared/domain/audit/verify.ts';

const record = (version: number, minute: number, action = 'work-order.start') => ({
  version,
  at: `2026-05-04T08:${String(minute).padStart(2, '0')}:00.000Z`,
  by: 'u-1',
  action,
  target: 'work-order/WO-1',
  changes: [{ field: 'status', from: 'A', to: 'B' }],
});

/** A chain of n records, with their stored positions. */
function chain(name: string, n: number, startMinute = 0): (ChainedRecord & { position: number })[] {
  const { records } = linkRecords(
    name,
    undefined,
    Array.from({ length: n }, (_, i) => record(i + 1, startMinute + i)),
  );
  return records.map((r) => ({ ...r, position: r.seq }));
}

describe('audit chain verification', () => {
  it('finds an untouched chain intact, the first record linked to 64 zeros', () => {
    const records = chain('WO#WO-1', 5);
    assert.equal(records[0]?.prevHash, GENESIS_HASH);
    assert.deepEqual(verifyAudit(records, { heads: new Map([['WO#WO-1', { seq: 5, hash: records[4]?.hash ?? '' }]]) }), {
      ok: true,
      chains: 1,
      records: 5,
    });
  });

  it('names a changed field, a deleted record, a deleted tail, reordered contents and an insert', () => {
    const base = () => chain('WO#WO-1', 5);
    const head = (records: { hash: string }[]) => new Map([['WO#WO-1', { seq: 5, hash: records[4]?.hash ?? '' }]]);
    const cases: [string, (r: ReturnType<typeof base>) => ReturnType<typeof base>, number, RegExp][] = [
      ['changed', (r) => r.map((x) => (x.seq === 3 ? { ...x, by: 'u-9' } : x)), 3, /changed after it was written/],
      ['deleted', (r) => r.filter((x) => x.seq !== 2), 2, /record 2 is missing \(deleted\)/],
      ['tail', (r) => r.filter((x) => x.seq !== 5), 5, /missing at the end/],
      [
        'reordered',
        (r) =>
          r.map((x) => (x.seq === 3 ? { ...(r[3] as (typeof r)[0]), position: 3 } : x.seq === 4 ? { ...(r[2] as (typeof r)[0]), position: 4 } : x)),
        3,
        /reordered/,
      ],
      ['inserted', (r) => [...r, { ...(r[4] as (typeof r)[0]), seq: 6, version: 6, position: 6 }], 6, /changed after|past the audited record's head/],
    ];
    for (const [name, tamper, seq, problem] of cases) {
      const original = base();
      const result = verifyAudit(tamper(original), { heads: head(original) });
      assert.equal(result.ok, false, name);
      if (result.ok) continue;
      assert.equal(result.broken.seq, seq, name);
      assert.match(result.broken.problem, problem, name);
      assert.deepEqual([result.broken.entity, result.broken.id], ['work-order', 'WO-1'], name);
    }
  });

  it('names the earliest broken link of several chains', () => {
    const early = chain('LOT#L-1', 3, 0);
    const late = chain('WO#WO-1', 3, 30);
    const result = verifyAudit([
      ...late.map((x) => (x.seq === 1 ? { ...x, by: 'x' } : x)),
      ...early.map((x) => (x.seq === 2 ? { ...x, by: 'x' } : x)),
    ]);
    assert.equal(result.ok, false);
    if (!result.ok) assert.deepEqual([result.broken.entity, result.broken.id, result.broken.seq], ['lot', 'L-1', 2]);
  });

  it('checks a window link into its chain and a checkpoint', () => {
    const all = chain('WO#WO-1', 6);
    const window = all.slice(3);
    const before = new Map([['WO#WO-1', { seq: 3, hash: all[2]?.hash ?? '' }]]);
    assert.equal(verifyAudit(window, { before }).ok, true);
    assert.equal(verifyAudit(window).ok, false);
    assert.equal(verifyAudit(window, { partial: true }).ok, true);
    const wrong = new Map([['WO#WO-1', { seq: 3, hash: 'f'.repeat(64) }]]);
    assert.equal(verifyAudit(window, { before: wrong }).ok, false);
    // A chain re-hashed from record 2 on: intact in itself, not what the checkpoint published.
    const { records: rehashed } = linkRecords(
      'WO#WO-1',
      { seq: 1, hash: all[0]?.hash ?? '' },
      all.slice(1).map((x) => ({ ...record(x.seq, x.seq), by: 'forger' })),
    );
    const forged = [all[0] as (typeof all)[0], ...rehashed.map((x) => ({ ...x, position: x.seq }))];
    assert.equal(verifyAudit(forged).ok, true);
    const result = verifyAudit(forged, { checkpoints: new Map([['WO#WO-1', { seq: 4, hash: all[3]?.hash ?? '' }]]) });
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.broken.problem, /checkpoint/);
  });

  it('maps chains to the records they audit and back', () => {
    for (const [entity, id] of [
      ['work-order', 'WO-1'],
      ['material', 'M#1'],
      ['settings', 'settings'],
      ['integration-credential', 't.abc'],
      ['webhook-endpoint', 'ep-1'],
      ['downtime', 'press-1@2026-05-04T08:00:00.000Z'],
      ['characteristic', 'data:R-1:10:torque'],
    ] as const) {
      assert.deepEqual(describeChain(chainOf(entity, id)), { entity, id });
    }
  });

  it('property: any single change, deletion or swap in any chain is found, and only then', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.constantFrom('none', 'change', 'delete', 'swap'),
        (lengths, pick, tamper) => {
          const chains = lengths.map((n, i) => chain(`WO#WO-${i}`, n, i * 10));
          const heads = new Map(chains.map((c, i) => [`WO#WO-${i}`, { seq: c.length, hash: c.at(-1)?.hash ?? '' }]));
          const all = chains.flat();
          const target = pick % all.length;
          const victim = all[target] as (typeof all)[0];
          let tampered = all;
          if (tamper === 'change') tampered = all.map((x, i) => (i === target ? { ...x, by: `${x.by}!` } : x));
          if (tamper === 'delete') tampered = all.filter((_, i) => i !== target);
          if (tamper === 'swap') {
            const other = all.findIndex((x, i) => i !== target && x.chain === victim.chain);
            if (other < 0) return;
            const o = all[other] as (typeof all)[0];
            tampered = all.map((x, i) =>
              i === target ? { ...o, position: victim.position } : i === other ? { ...victim, position: o.position } : x,
            );
          }
          const result = verifyAudit(tampered, { heads });
          assert.equal(result.ok, tamper === 'none');
          if (!result.ok) assert.equal(result.broken.chain, victim.chain);
        },
      ),
    );
  });
});

describe('where a chain lives', () => {
  it('finds no chain for a downtime id that names no unit or no start (the API fuzz found a 500 there)', async () => {
    const { chainLocation } = await import('#shared/db/audit-chain.ts');
    const { chainOf } = await import('#shared/domain/audit/chain.ts');
    assert.equal(chainLocation('t1', chainOf('downtime', '%')), undefined);
    assert.equal(chainLocation('t1', chainOf('downtime', 'wu-1@not-a-time')), undefined);
    assert.ok(chainLocation('t1', chainOf('downtime', 'wu-1@2026-12-03T10:00:00.000Z')));
  });

  it('every entity GET /v1/audit?entity= names has a chain that is found and described back (labor, qualifications, devices too)', async () => {
    const { chainLocation } = await import('#shared/db/audit-chain.ts');
    const { AUDIT_ENTITIES } = await import('#shared/domain/audit/entities.ts');
    for (const entity of AUDIT_ENTITIES) {
      const id = entity === 'downtime' ? 'wu-1@2026-12-03T10:00:00.000Z' : entity === 'checkpoint' ? 'checkpoints' : 'x-1';
      const chain = chainOf(entity, id);
      assert.ok(chainLocation('t1', chain), `${entity}: no location for ${chain}`);
      assert.deepEqual(describeChain(chain), { entity, id }, entity);
    }
  });
});

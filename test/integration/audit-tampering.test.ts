/**
 * The tamper-evident audit trail over HTTP (issue 16, docs/part-11.md "Audit trail (11.10(e))"):
 * audit items changed, deleted, reordered and inserted straight in DynamoDB Local are found by
 * `GET /v1/audit/verify` and by the command-line verifier over an export, each naming the first
 * broken link; an untouched trail is intact; another tenant's trail is never seen.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '#shared/db/keys.ts';
import { linkRecords } from '#shared/domain/audit/chain.ts';
import { run as cliVerify } from '../../tools/audit-verify.ts';
import { testDocClient, testTableName } from '../helpers/ddb.ts';
import {
  allPages,
  assertProblem,
  buildPlant,
  type Mes,
  newTenant,
  orderAt,
  partitionItems,
  type Staff,
  staff,
  startMes,
} from '../e2e/support/mes.ts';

describe('audit trail tampering', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;
  let from: string;
  let orderId: string;
  const dir = mkdtempSync(join(tmpdir(), 'mes-audit-'));

  before(async () => {
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
    from = new Date(Date.now() - 60_000).toISOString();
    await buildPlant(people.planner);
    // A completed order: created, released, started, completed (4 records in its chain).
    orderId = (await orderAt(people, 'COMPLETED')).id;
    // Master data changed twice, and a lot received and held: other chains in the same window.
    await people.planner.ok('PUT', '/v1/materials/AUD-1', { name: 'Audited', uom: 'EA', materialType: 'raw' });
    await people.planner.ok('PUT', '/v1/materials/AUD-1', { name: 'Audited, renamed', uom: 'EA', materialType: 'raw' });
  });
  after(async () => {
    await mes?.stop();
  });

  const verify = async () => {
    const reply = await people.quality.get(`/v1/audit/verify?from=${encodeURIComponent(from)}`);
    assert.equal(reply.status, 200, reply.text);
    return reply.body as { ok: boolean; chains: number; records: number; broken?: { entity: string; id: string; seq: number; problem: string } };
  };
  /** The CLI over an export of the window, all pages, as JSON lines (one page per line). */
  const cli = async () => {
    const records = await allPages(people.quality, `/v1/audit?from=${encodeURIComponent(from)}`, 1000);
    const file = join(dir, `export-${Date.now()}-${Math.random()}.jsonl`);
    writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n'));
    const lines: string[] = [];
    const code = cliVerify([file], (l) => lines.push(l));
    return { code, text: lines.join('\n') };
  };
  const auditItems = () => partitionItems(keys.workOrderPartition(tenant, orderId), 'AUDIT#');
  const put = (item: Record<string, unknown>) => testDocClient().send(new PutCommand({ TableName: testTableName(), Item: item }));
  const remove = (item: Record<string, unknown>) =>
    testDocClient().send(new DeleteCommand({ TableName: testTableName(), Key: { pk: item.pk, sk: item.sk } }));
  /** Tampers, checks, and puts the trail back as it was. */
  async function tampered(tamper: (items: Record<string, unknown>[]) => Promise<unknown>, seq: number, problem: RegExp, cliSees = true) {
    const original = await auditItems();
    await tamper(original);
    try {
      const result = await verify();
      assert.equal(result.ok, false, JSON.stringify(result));
      assert.deepEqual([result.broken?.entity, result.broken?.id, result.broken?.seq], ['work-order', orderId, seq], JSON.stringify(result));
      assert.match(result.broken?.problem ?? '', problem);
      if (cliSees) {
        const { code, text } = await cli();
        assert.equal(code, 1, text);
        assert.match(text, new RegExp(`work-order ${orderId} \\(chain WO#${orderId}\\), record ${seq}`));
      }
    } finally {
      for (const item of await auditItems()) await remove(item);
      for (const item of original) await put(item);
    }
  }

  it('finds the untouched trail intact, by the API and by the command-line verifier', async () => {
    const trail = await people.supervisor.ok(`GET`, `/v1/audit?entity=work-order&id=${orderId}`);
    assert.deepEqual(
      trail.items.map((r: { seq: number; chain: string }) => [r.chain, r.seq]),
      [1, 2, 3, 4].map((seq) => [`WO#${orderId}`, seq]),
    );
    const material = await people.quality.ok('GET', '/v1/audit?entity=material&id=AUD-1');
    assert.deepEqual(
      material.items.map((r: { action: string }) => r.action),
      ['material.create', 'material.replace'],
    );
    const result = await verify();
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.ok(result.chains >= 2 && result.records >= 6, JSON.stringify(result));
    const { code, text } = await cli();
    assert.equal(code, 0, text);
    assert.match(text, /^intact: /);
  });

  it('names a changed field', async () => {
    await tampered(async (items) => put({ ...(items[1] as Record<string, unknown>), by: 'someone-else' }), 2, /changed after it was written/);
  });

  it('names a deleted record', async () => {
    await tampered(async (items) => remove(items[1] as Record<string, unknown>), 2, /record 2 is missing \(deleted\)/);
  });

  it('names a deleted tail (by the head its order carries; an export alone cannot tell without a checkpoint)', async () => {
    await tampered(async (items) => remove(items[3] as Record<string, unknown>), 4, /missing at the end/, false);
  });

  it('names two records whose contents were swapped', async () => {
    await tampered(
      async (items) => {
        const [a, b] = [items[1] as Record<string, unknown>, items[2] as Record<string, unknown>];
        await put({ ...b, pk: a.pk, sk: a.sk });
        await put({ ...a, pk: b.pk, sk: b.sk });
      },
      2,
      /reordered/,
    );
  });

  it('names an inserted record, even one chained correctly after the last', async () => {
    await tampered(
      async (items) => {
        const last = items[3] as Record<string, unknown>;
        const { records } = linkRecords(`WO#${orderId}`, { seq: 4, hash: String(last.hash) }, [
          { version: 5, at: new Date().toISOString(), by: 'intruder', action: 'work-order.close', target: `work-order/${orderId}`, changes: [] },
        ]);
        await put({ ...keys.audit(tenant, orderId, 5), entity: 'Audit', ...records[0] });
      },
      5,
      /past the audited record's head \(inserted\)/,
      false,
    );
  });

  it('catches, by the checkpoint, a record rewritten with its chain re-hashed to the end and its head rewritten; the CLI sees a deleted tail by it', async () => {
    const { checkpoints } = await import('#functions/lib/audit-services.ts');
    const later = new Date(Date.now() + 120_000);
    const written = await checkpoints.checkpoint(tenant, later);
    assert.ok(written && (written.heads as { chain: string }[]).some((h) => h.chain === `WO#${orderId}`), JSON.stringify(written));
    assert.equal((await verify()).ok, true);
    const header = (await partitionItems(keys.workOrderPartition(tenant, orderId))).find((i) => i.sk === 'WO') as Record<string, unknown>;
    const original = await auditItems();
    const [first, ...rest] = original as [Record<string, unknown>, ...Record<string, unknown>[]];
    const content = (item: Record<string, unknown>) => {
      const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, entity: _e, chain: _c, seq: _s, prevHash: _p, hash: _h, ...own } = item;
      return own as { version: number; at: string };
    };
    const forged = linkRecords(
      `WO#${orderId}`,
      { seq: 1, hash: String(first.hash) },
      rest.map((item, i) => ({ ...content(item), ...(i === 0 ? { by: 'forger' } : {}) })),
    );
    try {
      for (const [i, record] of forged.records.entries()) {
        const stored = rest[i] as Record<string, unknown>;
        await put({ pk: stored.pk, sk: stored.sk, gsi1pk: stored.gsi1pk, gsi1sk: stored.gsi1sk, entity: 'Audit', ...record });
      }
      await put({ ...header, auditHead: forged.head });
      const result = await verify();
      assert.equal(result.ok, false, JSON.stringify(result));
      assert.deepEqual([result.broken?.entity, result.broken?.id, result.broken?.seq], ['work-order', orderId, 4]);
      assert.match(result.broken?.problem ?? '', /checkpoint/);
    } finally {
      for (const item of original) await put(item);
      await put(header);
    }
    assert.equal((await verify()).ok, true);
    // The tail deleted: the export holds the checkpoint that published record 4.
    await remove(original[3] as Record<string, unknown>);
    try {
      const records = await allPages(
        people.quality,
        `/v1/audit?from=${encodeURIComponent(from)}&to=${encodeURIComponent(new Date(later.getTime() + 60_000).toISOString())}`,
        1000,
      );
      const file = join(dir, 'export-with-checkpoint.json');
      writeFileSync(file, JSON.stringify(records));
      const lines: string[] = [];
      assert.equal(
        cliVerify([file], (l) => lines.push(l)),
        1,
        lines.join('\n'),
      );
      assert.match(lines.join('\n'), new RegExp(`work-order ${orderId} .*record 4.*checkpoint`));
    } finally {
      await put(original[3] as Record<string, unknown>);
    }
  });

  it("never shows another tenant's trail", async () => {
    const outsider = await staff(mes, newTenant());
    assertProblem(await outsider.quality.get(`/v1/audit?entity=work-order&id=${orderId}`), 404);
    const theirs = await outsider.quality.ok('GET', `/v1/audit?from=${encodeURIComponent(from)}`);
    assert.deepEqual(theirs.items, []);
    const check = await outsider.quality.ok('GET', `/v1/audit/verify?from=${encodeURIComponent(from)}`);
    assert.deepEqual([check.ok, check.chains, check.records], [true, 0, 0]);
    assertProblem(await people.operator.get(`/v1/audit?entity=work-order&id=${orderId}`), 403);
  });
});

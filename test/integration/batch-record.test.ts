/**
 * The batch record of an order (issue 16, docs/batch-record.md) over HTTP: every section with who
 * and when, the exceptions first and each pointing to where it is in the record, the same record
 * as a PDF whose text a PDF text extractor reads back (exceptions first, page k of n), and a
 * serial-less order's record read by another tenant is a 404.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BatchRecordWire as BatchRecord } from '#shared/api/record-schemas.ts';
import type { AuditRecord, WorkOrderDetail } from '#shared/api/schemas.ts';
import { pdfText } from '../helpers/pdf-text.ts';
import { type Mes, PLANT, type Staff, allPages, assertProblem, buildPlant, createOrder, newTenant, staff, startMes } from '../e2e/support/mes.ts';

/** Resolves a JSON pointer (RFC 6901) in a value. */
const resolve = (value: unknown, pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((at, key) => (at === undefined || at === null ? undefined : (at as Record<string, unknown>)[key]), value);

export async function pdfOf(baseUrl: string, token: string | undefined, path: string) {
  const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/pdf' } });
  assert.equal(res.status, 200, `${path} as PDF answered ${res.status}`);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  return new Uint8Array(await res.arrayBuffer());
}

describe('the batch record of an order', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;
  let order: WorkOrderDetail;

  before(async () => {
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
    await buildPlant(people.planner);
    // An order with exceptions of several kinds: an out-of-limit value, a correction, a hold, a short completion, an open nonconformance.
    order = await createOrder(people.planner, { routingId: PLANT.routing, quantity: 5 });
    const path = `/v1/work-orders/${order.id}`;
    await people.supervisor.ok('POST', `${path}/release`);
    await people.operator.ok('POST', `${path}/operations/10/start`);
    await people.operator.ok('POST', `${path}/operations/10/report`, { goodQty: 2, data: { screwTorque: 5.2 } });
    const report = (await allPages<AuditRecord>(people.supervisor, `${path}/history`)).at(-1)?.version as number;
    await people.supervisor.ok('POST', `${path}/corrections`, { corrects: report, goodQty: 3, reason: 'one pump counted twice' });
    await people.supervisor.ok('POST', `${path}/hold`, { reasonCode: 'MATERIAL-SHORTAGE' });
    await people.supervisor.ok('POST', `${path}/resume`, {});
    await people.operator.ok('POST', `${path}/operations/10/complete`, { goodQty: 1 });
    await people.operator.ok('POST', `${path}/operations/20/start`);
    await people.operator.ok('POST', `${path}/operations/20/complete`, { goodQty: 4, data: { leakRate: 0.1, testPassed: true } });
    await people.operator.ok('POST', `${path}/operations/30/start`);
    order = await people.operator.ok('POST', `${path}/operations/30/complete`, { goodQty: 4 });
    await people.operator.ok('POST', '/v1/nonconformances', {
      workOrderId: order.id,
      seq: 30,
      quantity: 1,
      defectCode: 'DIM',
      description: 'label crooked',
    });
  });
  after(async () => {
    await mes?.stop();
  });

  it('holds every section with who and when, and puts the exceptions first, each pointing into the record', async () => {
    const record = await people.quality.ok<BatchRecord>('GET', `/v1/work-orders/${order.id}/record`);
    assert.equal(Object.keys(record).indexOf('exceptions') < Object.keys(record).indexOf('order'), true, 'exceptions come before the sections');
    assert.equal(record.order.status, 'COMPLETED');
    assert.equal(record.released, false);
    const op10 = record.operations.find((o) => o.seq === 10)!;
    assert.deepEqual([op10.startedBy, op10.completedBy], ['u-operator', 'u-operator']);
    assert.deepEqual(
      op10.values.map((v) => [v.label, v.value, v.max, v.within, v.recordedBy]),
      [['Screw torque', 5.2, 4.5, false, 'u-operator']],
    );
    assert.deepEqual(
      op10.reports.map((r) => [r.action, r.goodQty, r.by]),
      [
        ['operation.report', 2, 'u-operator'],
        ['operation.correct', 1, 'u-supervisor'],
        ['operation.complete', 1, 'u-operator'],
      ],
    );
    assert.equal(record.corrections.length, 1);
    assert.equal(record.corrections[0]?.reason, 'one pump counted twice');
    assert.equal(record.holds.length, 1);
    assert.ok(record.holds[0]?.releasedAt, 'the hold was lifted');
    assert.deepEqual(
      record.nonconformances.map((n) => [n.status, n.description]),
      [['open', 'label crooked']],
      'a nonconformance that could not hold the completed order is still in its record',
    );

    const kinds = record.exceptions.map((e) => e.kind);
    assert.deepEqual([...new Set(kinds)], ['open-nonconformance', 'unsigned', 'out-of-limits', 'hold', 'correction', 'short']);
    for (const e of record.exceptions) assert.notEqual(resolve(record, e.ref), undefined, `${e.kind} points to ${e.ref}, which is not in the record`);
    assert.match(record.exceptions.find((e) => e.kind === 'out-of-limits')?.text ?? '', /Screw torque 5\.2 Nm/);
    assert.match(record.exceptions.find((e) => e.kind === 'short')?.text ?? '', /Made 4 EA of 5 EA ordered/);
    assert.deepEqual(
      record.required.missing.map((m) => m.meaning),
      ['review', 'approval'],
    );
    assert.match(record.contentHash, /^[0-9a-f]{64}$/);
  });

  it('reads the same record as a paginated PDF: header, exceptions first, every section, page k of n', async () => {
    const pages = await pdfText(await pdfOf(mes.baseUrl, people.quality.token, `/v1/work-orders/${order.id}/record`));
    const text = pages.join('\n');
    pages.forEach((page, k) => {
      assert.match(page, new RegExp(`Page ${k + 1} of ${pages.length}`), `page ${k + 1} has its footer`);
      assert.match(page, new RegExp(`Batch record ${order.id}`), `page ${k + 1} has its header`);
    });
    const at = (s: string) => {
      const i = text.indexOf(s);
      assert.ok(i >= 0, `the PDF does not say "${s}"`);
      return i;
    };
    assert.ok(at('Exceptions (') < at('Operations'), 'exceptions come before the operations');
    assert.ok(at('Screw torque 5.2 Nm') < at('Signatures'));
    for (const section of [
      'Order',
      'Produced',
      'Inspections',
      'Nonconformances',
      'Holds',
      'Corrections',
      'Machine data',
      'Downtime during the order',
    ])
      at(section);
    at('label crooked');
    at('one pump counted twice');
    at('Not released');
  });

  it("is a 404 for another tenant's people, in JSON and as a PDF", async () => {
    const other = await staff(mes, newTenant());
    const path = `/v1/work-orders/${order.id}/record`;
    assertProblem(await other.quality.get(path), 404, { instance: path });
    assertProblem(await other.quality.get(path, { accept: 'application/pdf' }), 404, { instance: path });
  });
});

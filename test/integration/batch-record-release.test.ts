/**
 * Releasing a batch record by signatures (issue 16, docs/batch-record.md): the order's own
 * signing command (RecordSigning) on DynamoDB Local, with i16-sign's SignatureService and its
 * signing-state repository; only the password check is this test's (the PasswordVerifier port:
 * the local identity provider's and Cognito's are i16-sign's, tested there). Reads and refusals
 * go over HTTP. Two different people release it; the released record is immutable (409 naming
 * why, nothing written) except for closing; a change after signing makes the signature invalid.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { v7 as uuidv7 } from 'uuid';
import type { BatchRecordWire as BatchRecord } from '#shared/api/record-schemas.ts';
import type { AuditRecord, WorkOrderDetail } from '#shared/api/schemas.ts';
import type { AuthContext } from '#shared/auth/claims.ts';
import { DynamoDbRecordReader, DynamoDbRecordSignatureWriter } from '#shared/db/record-repository.ts';
import { DynamoDbSigningStateRepository } from '#shared/db/signature-repository.ts';
import { RecordService } from '#shared/domain/record/service.ts';
import { RecordSigning } from '#shared/domain/record/signing.ts';
import { SignatureService } from '#shared/domain/signatures/service.ts';
import type { Role } from '#shared/domain/roles.ts';
import {
  type Mes,
  PLANT,
  type Staff,
  allPages,
  assertProblem,
  buildPlant,
  newTenant,
  orderAt,
  snapshot,
  staff,
  startMes,
  storedItems,
} from '../e2e/support/mes.ts';
import { sign as signOverHttp, withPassword } from '../e2e/support/signing.ts';

const PASSWORD = 'sign-it-right';
const RELEASED = 'urn:mes:problem:record-released';

describe('releasing a batch record by signatures', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;
  let signing: RecordSigning;
  const who = (userId: string, name: string, roles: Role[]): AuthContext => ({ tenantId: tenant, userId, name, roles });
  const sign = (auth: AuthContext, id: string, meaning: string, password = PASSWORD) =>
    signing.sign(auth, id, { userId: auth.userId, password, meaning });
  let supervisor: AuthContext;
  let quality: AuthContext;
  const record = (id: string) => people.quality.ok<BatchRecord>('GET', `/v1/work-orders/${id}/record`);

  before(async () => {
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
    await buildPlant(people.planner);
    supervisor = who('u-supervisor', 'Sam Supervisor', ['supervisor']);
    quality = who('u-quality', 'Quinn Quality', ['quality']);
    const reader = new DynamoDbRecordReader();
    const passwords = { verify: async (_t: string, _u: string, password: string) => password === PASSWORD };
    const directory = { printedName: async () => undefined, settings: async () => undefined };
    signing = new RecordSigning(
      reader,
      new RecordService(reader, { machineData: async () => ({ operations: [] }), downtime: async () => [] }),
      new SignatureService(passwords, new DynamoDbSigningStateRepository(), directory),
      new DynamoDbRecordSignatureWriter(),
      uuidv7,
    );
  });
  after(async () => {
    await mes?.stop();
  });

  it('is released by a review and an approval of two different people, in the transaction of the last', async () => {
    const order = await orderAt(people, 'COMPLETED', { routingId: PLANT.quickRouting, quantity: 3 });
    const first = await sign(supervisor, order.id, 'review');
    assert.deepEqual(
      first.required.missing.map((m) => m.meaning),
      ['approval'],
    );
    let r = await record(order.id);
    assert.equal(r.released, false);
    assert.deepEqual(
      r.signatures.map((s) => [s.printedName, s.meaningText, s.valid]),
      [['Sam Supervisor', 'Review', true]],
    );
    assert.match(r.signatures[0]?.signedAtLocal ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    assert.ok(r.exceptions.some((e) => e.kind === 'unsigned' && /approval/.test(e.text)));

    const second = await sign(quality, order.id, 'approval');
    assert.equal(second.required.complete, true);
    r = await record(order.id);
    assert.equal(r.released, true);
    assert.equal(r.recordHash, r.contentHash, 'released with the hash of what was signed');
    assert.deepEqual(
      r.signatures.map((s) => [s.printedName, s.meaning, s.valid]),
      [
        ['Sam Supervisor', 'review', true],
        ['Quinn Quality', 'approval', true],
      ],
    );
    assert.equal(
      r.exceptions.some((e) => e.kind === 'unsigned'),
      false,
    );
    const header = await people.supervisor.ok<WorkOrderDetail>('GET', `/v1/work-orders/${order.id}`);
    assert.equal(header.recordReleasedAt, r.recordReleasedAt);
    const events = (await storedItems(tenant, order.id)).filter((i) => i.entity === 'OutboxEvent').map((i) => i.type);
    assert.deepEqual(events.slice(-3), ['signature.applied', 'signature.applied', 'work-order.record-released']);
    const trail = await allPages<AuditRecord>(people.supervisor, `/v1/work-orders/${order.id}/history`);
    assert.deepEqual(
      trail.slice(-2).map((a) => [a.action, a.by]),
      [
        ['signed', 'u-supervisor'],
        ['signed', 'u-quality'],
      ],
    );
    const listed = await people.operator.ok('GET', `/v1/work-orders/${order.id}/signatures`);
    assert.deepEqual(
      listed.signatures.map((s: { valid: boolean }) => s.valid),
      [true, true],
    );
  });

  it('is not released while a nonconformance in it is open: the releasing signature is refused before the password is checked', async () => {
    const order = await orderAt(people, 'COMPLETED', { routingId: PLANT.quickRouting, quantity: 3 });
    const nc = await people.operator.ok('POST', '/v1/nonconformances', {
      workOrderId: order.id,
      quantity: 1,
      defectCode: 'DIM',
      description: 'bore over',
    });
    const status = (await people.supervisor.ok<WorkOrderDetail>('GET', `/v1/work-orders/${order.id}`)).status;
    if (status === 'COMPLETED') await sign(supervisor, order.id, 'review');
    const before = await snapshot(people.supervisor, tenant, order.id);
    await assert.rejects(sign(quality, order.id, 'approval', 'not-even-checked'), (error: Error) => {
      assert.match(error.message, status === 'COMPLETED' ? new RegExp(`${nc.id} is open`) : /only a completed or closed/);
      return true;
    });
    assert.deepEqual(await snapshot(people.supervisor, tenant, order.id), before);
    assert.equal((await record(order.id)).released, false);
  });

  it('refuses the same person twice, and an order that is not completed, before the password is checked', async () => {
    const both = who('u-both', 'Bo Both', ['supervisor', 'quality']);
    const order = await orderAt(people, 'COMPLETED', { routingId: PLANT.quickRouting });
    await sign(both, order.id, 'review');
    await assert.rejects(sign(both, order.id, 'approval'), { name: 'SignatureNotAllowedError' });
    const running = await orderAt(people, 'RUNNING', { routingId: PLANT.quickRouting });
    await assert.rejects(sign(supervisor, running.id, 'review'), { name: 'IllegalTransitionError' });
    await assert.rejects(sign(supervisor, order.id, 'review', 'wrong'), { name: 'SignatureNotAllowedError' }, 'the review is there already');
  });

  it('is immutable once released: a correction, a nonconformance and a further signature are 409s that write nothing; closing is allowed', async () => {
    const order = await orderAt(people, 'COMPLETED', { routingId: PLANT.quickRouting, quantity: 2 });
    await sign(supervisor, order.id, 'review');
    await sign(quality, order.id, 'approval');
    const before = await snapshot(people.supervisor, tenant, order.id);
    const path = `/v1/work-orders/${order.id}/corrections`;
    const version = (await allPages<AuditRecord>(people.supervisor, `/v1/work-orders/${order.id}/history`)).find(
      (a) => a.action === 'operation.complete',
    )?.version as number;
    const refused = await people.quality.post(path, { corrects: version, goodQty: 1, reason: 'miscounted' });
    assertProblem(refused, 409, { type: RELEASED, instance: path });
    assert.match(refused.body.detail, /batch record was released/);
    assertProblem(
      await people.operator.post('/v1/nonconformances', { workOrderId: order.id, quantity: 1, defectCode: 'DIM', description: 'found later' }),
      409,
      { type: RELEASED },
    );
    await assert.rejects(sign(who('u-other', 'Otto Other', ['supervisor']), order.id, 'review'), { name: 'RecordReleasedError' });
    assert.deepEqual(await snapshot(people.supervisor, tenant, order.id), before, 'a refusal wrote something');

    await people.supervisor.ok('POST', `/v1/work-orders/${order.id}/close`, {});
    const r = await record(order.id);
    assert.deepEqual([r.order.status, r.released, r.signatures.every((s) => s.valid)], ['CLOSED', true, true]);
  });

  it('shows a signature as invalid once the record changes after it, and the policy then misses it again', async () => {
    const order = await orderAt(people, 'COMPLETED', { routingId: PLANT.quickRouting, quantity: 4 });
    await sign(supervisor, order.id, 'review');
    const completion = (await allPages<AuditRecord>(people.supervisor, `/v1/work-orders/${order.id}/history`)).find(
      (a) => a.action === 'operation.complete',
    )?.version as number;
    await people.quality.ok('POST', `/v1/work-orders/${order.id}/corrections`, { corrects: completion, goodQty: 3, reason: 'one was a reject' });
    const r = await record(order.id);
    assert.equal(r.signatures[0]?.valid, false);
    assert.match(r.signatures[0]?.invalidReason ?? '', /changed after it was signed/);
    assert.ok(r.exceptions.some((e) => e.kind === 'unsigned' && /no longer matches/.test(e.text)));
    const after = await sign(quality, order.id, 'approval');
    assert.deepEqual([after.required.complete, after.required.missing.map((m) => m.meaning)], [false, ['review']]);
    assert.equal((await record(order.id)).released, false);
  });

  it('signs over HTTP with the password re-entered: a wrong one is a 401 that writes nothing on the order, the right ones release it', async () => {
    const order = await orderAt(people, 'CLOSED', { routingId: PLANT.quickRouting, quantity: 2 });
    const path = `/v1/work-orders/${order.id}/signatures`;
    await withPassword(mes, tenant, 'u-supervisor', 'sam-1');
    await withPassword(mes, tenant, 'u-quality', 'quinn-1');
    const before = await snapshot(people.supervisor, tenant, order.id);
    assertProblem(await signOverHttp(people.supervisor, path, 'not-it', 'review'), 401, { type: 'urn:mes:problem:signature-refused' });
    assert.deepEqual(await snapshot(people.supervisor, tenant, order.id), before, 'a refused signature wrote on the order');
    const review = await signOverHttp(people.supervisor, path, 'sam-1', 'review', 'deviations explained');
    assert.equal(review.status, 201, review.text);
    assert.equal(JSON.stringify(review.body).includes('sam-1'), false, 'the password is never echoed');
    const approval = await signOverHttp(people.quality, path, 'quinn-1', 'approval');
    assert.equal(approval.status, 201, approval.text);
    assert.equal(approval.body.required.complete, true);
    assert.equal((await record(order.id)).released, true);
  });
});

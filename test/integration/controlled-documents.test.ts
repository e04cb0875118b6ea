/**
 * Controlled documents over HTTP (issue 16, section 4; docs/documents.md): a version's lifecycle
 * (draft -> in review -> approved by a signature -> effective -> superseded), approval refused
 * without a valid signature or by the author alone, operators who only ever see the version in
 * force, a release that copies that version onto the order (and refuses a routing naming a
 * document with none), another tenant's document a 404, and nothing ever deleted or rewritten.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '#shared/db/keys.ts';
import { testDocClient, testTableName } from '../helpers/ddb.ts';
import {
  type Api,
  type Mes,
  PLANT,
  PROBLEM,
  type Staff,
  as,
  assertProblem,
  buildPlant,
  createOrder,
  newTenant,
  partitionItems,
  staff,
  startMes,
} from '../e2e/support/mes.ts';
import { withPassword } from '../e2e/support/signing.ts';

const PASSWORD = 'correct horse battery staple';
const instruction = (step: string) => ({
  title: 'Assemble the pump',
  kind: 'work-instruction',
  body: `1. ${step}\n2. Mount the motor with six M4x12 screws in a cross pattern.`,
});
const approval = (api: Api, extra: Record<string, unknown> = {}) => ({ userId: api.userId, password: PASSWORD, meaning: 'approval', ...extra });
const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

describe('controlled documents', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;
  let quality2: Api;
  let n = 0;
  const docId = () => `WI-${++n}`;
  const docItems = (id: string) => partitionItems(keys.documentPartition(tenant, id));

  before(async () => {
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
    quality2 = await as(mes, tenant, 'u-quality-2', ['quality']);
    await buildPlant(people.planner);
    for (const api of [people.quality, quality2, people.planner, people.admin]) await withPassword(mes, tenant, api.userId as string, PASSWORD);
  });
  after(async () => mes?.stop());

  /** A document whose version 1 the planner wrote and sent for review. */
  async function inReview(id = docId(), author: Api = people.planner) {
    const put = await author.ok('PUT', `/v1/documents/${id}`, instruction('Press the bearing into the housing.'));
    assert.equal(put.document.status, 'draft');
    const submitted = await author.ok('POST', `/v1/documents/${id}/versions/1/submit`);
    assert.equal(submitted.document.status, 'in-review');
    return id;
  }

  it('walks a version from draft through review and approval to effective, and supersedes it with the next', async () => {
    const id = await inReview();
    assertProblem(await people.operator.get(`/v1/documents/${id}`), 404, { type: PROBLEM.notFound });

    const approved = await people.quality.ok('POST', `/v1/documents/${id}/versions/1/approve`, approval(people.quality));
    assert.equal(approved.document.status, 'effective');
    assert.equal(approved.effectiveVersion, 1);
    const seen = await people.operator.ok('GET', `/v1/documents/${id}`);
    assert.equal(seen.document.version, 1);
    assert.match(seen.document.body, /Press the bearing/);

    const v2 = await people.planner.ok('PUT', `/v1/documents/${id}`, {
      ...instruction('Press the bearing, then check it turns freely.'),
      changeNote: 'check added',
    });
    assert.equal(v2.document.version, 2);
    assert.equal(v2.document.status, 'draft');
    assert.equal(v2.effectiveVersion, 1, 'a new draft changes nothing in force');
    await people.planner.ok('POST', `/v1/documents/${id}/versions/2/submit`);
    const v2approved = await people.quality.ok('POST', `/v1/documents/${id}/versions/2/approve`, approval(people.quality));
    assert.equal(v2approved.document.status, 'effective');

    // A third, approved to take effect tomorrow: approved, not yet in force.
    await people.planner.ok('PUT', `/v1/documents/${id}`, instruction('Press the bearing with the new fixture.'));
    await people.planner.ok('POST', `/v1/documents/${id}/versions/3/submit`);
    const v3 = await people.quality.ok('POST', `/v1/documents/${id}/versions/3/approve`, approval(people.quality, { effectiveFrom: tomorrow() }));
    assert.equal(v3.document.status, 'approved');
    assert.equal(v3.effectiveVersion, 2);

    const versions = await people.quality.ok('GET', `/v1/documents/${id}/versions`);
    assert.deepEqual(
      versions.versions.map((v: { version: number; status: string }) => [v.version, v.status]),
      [
        [3, 'approved'],
        [2, 'effective'],
        [1, 'superseded'],
      ],
    );
    assert.equal(versions.versions[2].supersededAt, versions.versions[1].effectiveFrom);
    assert.deepEqual(
      versions.history.map((h: { action: string }) => h.action),
      [
        'document.create',
        'document.submit',
        'signed',
        'document.approve',
        'document.draft',
        'document.submit',
        'signed',
        'document.approve',
        'document.draft',
        'document.submit',
        'signed',
        'document.approve',
      ],
    );
    const events = (await docItems(id)).filter((i) => i.entity === 'OutboxEvent').map((e) => e.type);
    assert.deepEqual(events.filter((t) => t === 'document.approved').length, 3);
    assert.ok(events.includes('signature.applied'));
  });

  it('shows operators the version in force only: never a draft, one in review or a superseded one', async () => {
    const id = await inReview();
    await people.quality.ok('POST', `/v1/documents/${id}/versions/1/approve`, approval(people.quality));
    await people.planner.ok('PUT', `/v1/documents/${id}`, instruction('A draft nobody approved.'));
    await people.planner.ok('POST', `/v1/documents/${id}/versions/2/submit`);
    await people.quality.ok('POST', `/v1/documents/${id}/versions/2/approve`, approval(people.quality));
    await people.planner.ok('PUT', `/v1/documents/${id}`, instruction('Another draft.'));

    const inForce = await people.operator.ok('GET', `/v1/documents/${id}`);
    assert.equal(inForce.document.version, 2);
    for (const version of [1, 3]) {
      assertProblem(await people.operator.get(`/v1/documents/${id}?version=${version}`), 403, { type: PROBLEM.forbidden });
      assertProblem(await people.supervisor.get(`/v1/documents/${id}?version=${version}`), 403, { type: PROBLEM.forbidden });
    }
    assert.equal((await people.operator.ok('GET', `/v1/documents/${id}?version=2`)).document.version, 2);
    assertProblem(await people.operator.get(`/v1/documents/${id}/versions`), 403, { type: PROBLEM.forbidden });
    // Authors see any version.
    assert.equal((await people.quality.ok('GET', `/v1/documents/${id}?version=3`)).document.status, 'draft');
    assert.equal((await people.planner.ok('GET', `/v1/documents/${id}?version=1`)).document.status, 'superseded');
  });

  it('refuses an approval without a valid signature, by the author alone, or of a version not in review, and writes nothing', async () => {
    const id = await inReview(docId(), people.quality);
    const before = await docItems(id);
    const path = `/v1/documents/${id}/versions/1/approve`;

    assertProblem(await quality2.post(path, { userId: quality2.userId, meaning: 'approval' }), 400, { pointers: ['/body/password'] });
    assertProblem(await quality2.post(path, { ...approval(quality2), password: 'wrong' }), 401, { type: 'urn:mes:problem:signature-refused' });
    assertProblem(await quality2.post(path, { ...approval(quality2), userId: 'u-quality' }), 401, { type: 'urn:mes:problem:signature-refused' });
    // The author may not approve their own version (the default policy asks for distinct signers).
    assertProblem(await people.quality.post(path, approval(people.quality)), 403, { type: 'urn:mes:problem:signature-not-allowed' });
    // A planner may write documents, not approve them.
    assertProblem(await people.planner.post(path, approval(people.planner)), 403, { type: PROBLEM.forbidden });
    // A meaning the policy does not ask for approves nothing.
    assertProblem(await quality2.post(path, approval(quality2, { meaning: 'authorship' })), 403, { type: 'urn:mes:problem:signature-not-allowed' });
    // Not from the past.
    assertProblem(await quality2.post(path, approval(quality2, { effectiveFrom: '2020-01-01' })), 400, { pointers: ['/body/effectiveFrom'] });
    assert.deepEqual(await docItems(id), before);

    const draft = docId();
    await people.planner.ok('PUT', `/v1/documents/${draft}`, instruction('Still a draft.'));
    const draftBefore = await docItems(draft);
    assertProblem(await quality2.post(`/v1/documents/${draft}/versions/1/approve`, approval(quality2)), 409, { type: PROBLEM.illegalTransition });
    assert.deepEqual(await docItems(draft), draftBefore);

    const ok = await quality2.ok('POST', path, approval(quality2, { comment: 'Checked against drawing P-100 rev C' }));
    assert.equal(ok.document.status, 'effective');
    const { signatures, required } = await people.operator.ok('GET', `/v1/documents/${id}/signatures`);
    assert.equal(required.complete, true);
    assert.equal(signatures.length, 1);
    assert.equal(signatures[0].signerId, 'u-quality-2');
    assert.equal(signatures[0].meaning, 'approval');
    assert.equal(signatures[0].recordId, `${id}@1`);
    assert.equal(signatures[0].valid, true);
  });

  it('holds a signature sent without approving to the approval policy: the author may not sign approval on their own version, nor a planner', async () => {
    const id = await inReview();
    const sign = (api: Api, meaning: string) =>
      api.post(`/v1/documents/${id}/signatures`, { version: 1, userId: api.userId, password: PASSWORD, meaning });
    const before = await docItems(id);
    // The planner wrote version 1: an approval signature by them, through the sign route, would approve their own version.
    assertProblem(await sign(people.planner, 'approval'), 403, { type: 'urn:mes:problem:signature-not-allowed' });
    assert.deepEqual(await docItems(id), before);
    // A meaning the policy does not ask for is a signature of its own and approves nothing.
    await people.planner.ok('POST', `/v1/documents/${id}/signatures`, {
      version: 1,
      userId: people.planner.userId,
      password: PASSWORD,
      meaning: 'authorship',
    });
    const { required } = await people.quality.ok('GET', `/v1/documents/${id}/signatures?version=1`);
    assert.equal(required.complete, false);
    // Quality's approval then approves it.
    const ok = await people.quality.ok('POST', `/v1/documents/${id}/versions/1/approve`, approval(people.quality));
    assert.equal(ok.document.status, 'effective');
  });

  it('shows a signature invalid once the signed content is changed behind the MES’s back (11.70)', async () => {
    const id = await inReview();
    await people.quality.ok('POST', `/v1/documents/${id}/versions/1/approve`, approval(people.quality));
    await testDocClient().send(
      new UpdateCommand({
        TableName: testTableName(),
        Key: keys.documentVersion(tenant, id, 1),
        UpdateExpression: 'SET body = :b',
        ExpressionAttributeValues: { ':b': '1. Skip the bearing.' },
      }),
    );
    const { signatures } = await people.quality.ok('GET', `/v1/documents/${id}/signatures?version=1`);
    assert.equal(signatures[0].valid, false);
    assert.match(signatures[0].invalidReason, /changed/);
  });

  it('copies the version in force onto the released order, and refuses a release while a named document has none', async () => {
    const id = await inReview();
    const routing = {
      materialId: PLANT.product,
      name: 'Pump, documented',
      operations: [{ seq: 10, name: 'Assemble', workCenterId: 'wc-assembly', documentIds: [id] }],
    };
    await people.planner.ok('PUT', '/v1/routings/RT-DOC', routing);
    const order = await createOrder(people.planner, { routingId: 'RT-DOC' });
    const orderBefore = await partitionItems(keys.workOrderPartition(tenant, order.id));
    const refused = await people.supervisor.post(`/v1/work-orders/${order.id}/release`, {});
    assertProblem(refused, 409, { type: 'urn:mes:problem:document-not-effective' });
    assert.equal(refused.body.documents[0].documentId, id);
    assert.deepEqual(await partitionItems(keys.workOrderPartition(tenant, order.id)), orderBefore);

    const approved = await people.quality.ok('POST', `/v1/documents/${id}/versions/1/approve`, approval(people.quality));
    const released = await people.supervisor.ok('POST', `/v1/work-orders/${order.id}/release`, {});
    const copied = released.operations[0].documents;
    assert.deepEqual(copied, [
      {
        documentId: id,
        version: 1,
        title: 'Assemble the pump',
        kind: 'work-instruction',
        contentHash: approved.document.contentHash,
        effectiveFrom: approved.document.effectiveFrom,
      },
    ]);
    // A later version in force changes nothing on the released order.
    await people.planner.ok('PUT', `/v1/documents/${id}`, instruction('Version two.'));
    await people.planner.ok('POST', `/v1/documents/${id}/versions/2/submit`);
    await people.quality.ok('POST', `/v1/documents/${id}/versions/2/approve`, approval(people.quality));
    const detail = await people.operator.ok('GET', `/v1/work-orders/${order.id}`);
    assert.equal(detail.operations[0].documents[0].version, 1);
    // The batch record names the version the operation ran by, with its content hash (and signs it).
    const record = await people.quality.ok('GET', `/v1/work-orders/${order.id}/record`);
    assert.deepEqual(record.operations[0].documents, [{ id, version: 1, title: 'Assemble the pump', contentHash: approved.document.contentHash }]);
    const next = await createOrder(people.planner, { routingId: 'RT-DOC' });
    const nextReleased = await people.supervisor.ok('POST', `/v1/work-orders/${next.id}/release`, {});
    assert.equal(nextReleased.operations[0].documents[0].version, 2);
  });

  it('answers another tenant’s document with a 404', async () => {
    const id = await inReview();
    await people.quality.ok('POST', `/v1/documents/${id}/versions/1/approve`, approval(people.quality));
    const outsider = await staff(mes, newTenant());
    for (const path of [`/v1/documents/${id}`, `/v1/documents/${id}/versions`, `/v1/documents/${id}/signatures`]) {
      assertProblem(await outsider.quality.get(path), 404, { type: PROBLEM.notFound });
    }
    assertProblem(await outsider.quality.post(`/v1/documents/${id}/versions/1/submit`), 404, { type: PROBLEM.notFound });
    assert.deepEqual((await outsider.quality.ok('GET', '/v1/documents')).items, []);
  });

  it('never deletes or rewrites a version: a new draft withdraws the one in review, whose content stays as written', async () => {
    const id = await inReview();
    const v1 = (await docItems(id)).find((i) => i.sk === keys.documentVersion(tenant, id, 1).sk) as Record<string, unknown>;
    const v2 = await people.planner.ok('PUT', `/v1/documents/${id}`, instruction('Replaces the one in review.'));
    assert.equal(v2.document.version, 2);
    const items = await docItems(id);
    const v1after = items.find((i) => i.sk === keys.documentVersion(tenant, id, 1).sk) as Record<string, unknown>;
    for (const field of ['title', 'kind', 'body', 'attachments', 'contentHash', 'createdAt', 'createdBy'])
      assert.deepEqual(v1after[field], v1[field], field);
    assert.equal(v1after.status, 'withdrawn');
    assert.equal(v1after.withdrawnBy, 2);
    const versions = await people.planner.ok('GET', `/v1/documents/${id}/versions`);
    assert.deepEqual(
      versions.versions.map((v: { status: string }) => v.status),
      ['draft', 'withdrawn'],
    );
    assertProblem(await people.planner.post(`/v1/documents/${id}/versions/1/submit`), 409, { type: PROBLEM.illegalTransition });
  });
});

/**
 * Electronic signatures over HTTP (issue 16 section 2, 21 CFR Part 11 subpart C; docs/part-11.md):
 * both components re-entered at signing, checked by the local identity provider through
 * Cognito's protocol; a wrong password refused and counted, three lock signing with an audit
 * record and an alert; the plant's policy decides who signs what, two people where it says so;
 * a signature bound to its record's content and id; the action (use as is approved, a lot
 * released) happens only in the transaction of the signature that completes the policy. Every
 * refusal that is not a counted attempt writes nothing.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { webhookPayloadSchema } from '#shared/api/integration-schemas.ts';
import { keys } from '#shared/db/keys.ts';
import type { Nonconformance } from '#shared/domain/quality/nonconformance-model.ts';
import type { MaterialLot } from '#shared/domain/tracking/model.ts';
import { testDocClient, testTableName } from '../helpers/ddb.ts';
import {
  type Api,
  as,
  assertProblem,
  buildPlant,
  type Mes,
  newTenant,
  PLANT,
  partitionItems,
  type Staff,
  staff,
  startMes,
} from '../e2e/support/mes.ts';
import { sign, withPassword } from '../e2e/support/signing.ts';

process.env.MES_LOCAL_SECRETS_KEY ??= randomBytes(32).toString('base64');

const HSG = PLANT.components[0];
const PASSWORD = 'correct horse battery';
const REFUSED = 'urn:mes:problem:signature-refused';
const LOCKED = 'urn:mes:problem:signing-locked';
const REQUIRED = 'urn:mes:problem:signature-required';
const NOT_ALLOWED = 'urn:mes:problem:signature-not-allowed';

describe('electronic signatures', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;
  let quality2: Api;
  let receiver: Server;
  const received: { headers: Record<string, string>; body: string }[] = [];
  let endpoint: { id: string; secret: string };

  before(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req
        .on('data', (c) => (body += c))
        .on('end', () => {
          received.push({ headers: req.headers as Record<string, string>, body });
          res.writeHead(204).end();
        });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
    quality2 = await as(mes, tenant, 'u-quality-2', ['quality']);
    await buildPlant(people.planner);
    await Promise.all(['u-quality', 'u-quality-2', 'u-admin'].map((u) => withPassword(mes, tenant, u, PASSWORD)));
    await people.planner.ok('PUT', '/v1/personnel/u-quality-2', { name: 'Quentin Quality', roles: ['quality'], qualifications: [], active: true });
    endpoint = await people.admin.ok('POST', '/v1/webhook-endpoints', {
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`,
      eventTypes: ['security.signing-locked', 'signature.applied'],
    });
  });
  after(async () => {
    await mes?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  const newLot = (quantity = 10) =>
    people.supervisor.ok<MaterialLot>('POST', '/v1/lots', { materialId: HSG, quantity, supplierId: 'ACME', supplierLot: 'S-1' });
  const heldLot = async (quantity = 10) => {
    const lot = await newLot(quantity);
    await people.quality.ok('POST', `/v1/lots/${lot.id}/hold`, { reason: 'incoming inspection' });
    return lot;
  };
  const useAsIs = async () => {
    const lot = await newLot();
    const nc = await people.operator.ok<Nonconformance>('POST', '/v1/nonconformances', {
      lotId: lot.id,
      quantity: 2,
      defectCode: 'DIM',
      description: 'bore 0.2 mm over',
    });
    await people.quality.ok('POST', `/v1/nonconformances/${nc.id}/disposition`, { disposition: 'use-as-is', comment: 'within deviation D-12' });
    return { lot, nc };
  };
  const lotItems = (id: string) => partitionItems(keys.lotPartition(tenant, id));
  const ncItems = (id: string) => partitionItems(keys.nonconformancePartition(tenant, id));
  const signingItems = (userId: string, t = tenant) => partitionItems(keys.signingPartition(t, userId));

  describe('a use-as-is disposition', () => {
    it('is approved only by a signature: the approve call is refused, and the second person signing approves it and lifts the hold in one transaction', async () => {
      // Prepare
      const { lot, nc } = await useAsIs();
      const before = await ncItems(nc.id);

      // Act
      const unsigned = await quality2.post(`/v1/nonconformances/${nc.id}/disposition`, { approve: true });
      const unchanged = await ncItems(nc.id);
      const signed = await sign(quality2, `/v1/nonconformances/${nc.id}/signatures`, PASSWORD, 'approval', 'deviation D-12 covers it');

      // Assess
      assertProblem(unsigned, 409, { type: REQUIRED });
      assert.deepEqual(unchanged, before, 'the refused approval wrote something');
      assert.equal(signed.status, 201, signed.text);
      assert.equal(signed.text.includes(PASSWORD), false, 'the password is never echoed');
      assert.deepEqual(
        [signed.body.recordType, signed.body.recordId, signed.body.meaning, signed.body.meaningText, signed.body.printedName, signed.body.signerId],
        ['nonconformance', nc.id, 'approval', 'Approval', 'Quentin Quality', 'u-quality-2'],
      );
      const after = await people.quality.ok<Nonconformance>('GET', `/v1/nonconformances/${nc.id}`);
      assert.deepEqual([after.status, after.disposition?.approvedBy], ['closed', 'u-quality-2']);
      assert.equal((await people.quality.ok<MaterialLot>('GET', `/v1/lots/${lot.id}`)).status, 'available');
      const list = await people.operator.ok('GET', `/v1/nonconformances/${nc.id}/signatures`);
      assert.deepEqual(
        list.signatures.map((s: { valid: boolean; printedName: string }) => [s.valid, s.printedName]),
        [[true, 'Quentin Quality']],
      );
      assert.deepEqual(list.required, { complete: true, missing: [] });
      const items = await ncItems(nc.id);
      const audit = items.filter((i) => String(i.sk).startsWith('AUDIT#')).at(-1);
      assert.equal(audit?.action, 'signed');
      assert.match(String(audit?.reason), /Approval by Quentin Quality; use as is approved/);
      assert.ok(items.some((i) => i.entity === 'OutboxEvent' && i.type === 'signature.applied'));
      assert.ok(items.some((i) => i.entity === 'Signature' && !('password' in i)));
    });

    it('refuses the person who decided it (two-person rule), a missing password and an operator, writing nothing', async () => {
      // Prepare
      const { nc } = await useAsIs();
      const before = await ncItems(nc.id);
      const signingBefore = await signingItems('u-quality');

      // Act
      const self = await sign(people.quality, `/v1/nonconformances/${nc.id}/signatures`, PASSWORD, 'approval');
      const noPassword = await quality2.post(`/v1/nonconformances/${nc.id}/signatures`, { userId: 'u-quality-2', meaning: 'approval' });
      const emptyPassword = await quality2.post(`/v1/nonconformances/${nc.id}/signatures`, {
        userId: 'u-quality-2',
        password: '',
        meaning: 'approval',
      });
      const operator = await sign(people.operator, `/v1/nonconformances/${nc.id}/signatures`, PASSWORD, 'approval');
      const unknownMeaning = await sign(quality2, `/v1/nonconformances/${nc.id}/signatures`, PASSWORD, 'blessing');

      // Assess
      assertProblem(self, 403, { type: NOT_ALLOWED });
      assert.match(self.body.detail, /second, different person/);
      assertProblem(noPassword, 400, { pointers: ['/body/password'] });
      assertProblem(emptyPassword, 400, { pointers: ['/body/password'] });
      assertProblem(operator, 403);
      assertProblem(unknownMeaning, 403, { type: NOT_ALLOWED });
      assert.deepEqual(await ncItems(nc.id), before);
      assert.deepEqual(await signingItems('u-quality'), signingBefore);
    });
  });

  describe('a wrong password', () => {
    it('is refused without saying which component was wrong, counted, and the third within 15 minutes locks signing with an audit record and a security.signing-locked alert', async () => {
      // Prepare
      const t = newTenant();
      const q = await as(mes, t, 'u-quality', ['quality']);
      const admin = await as(mes, t, 'u-admin', ['admin']);
      await buildPlant(await as(mes, t, 'u-planner', ['planner']));
      await withPassword(mes, t, 'u-quality', PASSWORD);
      const alerts = await admin.ok('POST', '/v1/webhook-endpoints', {
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts-${t}`,
        eventTypes: ['security.signing-locked'],
      });
      const lot = await q.ok<MaterialLot>('POST', '/v1/lots', { materialId: HSG, quantity: 5 });
      await q.ok('POST', `/v1/lots/${lot.id}/hold`, { reason: 'check' });
      const path = `/v1/lots/${lot.id}/signatures`;
      const lotBefore = await partitionItems(keys.lotPartition(t, lot.id));

      // Act
      const first = await sign(q, path, 'wrong-1', 'approval');
      const otherUser = await q.post(path, { userId: 'u-admin', password: PASSWORD, meaning: 'approval' });
      const third = await sign(q, path, 'wrong-3', 'approval');
      const rightNow = await sign(q, path, PASSWORD, 'approval');

      // Assess
      assertProblem(first, 401, { type: REFUSED });
      assert.equal(first.body.attemptsLeft, 2);
      assert.match(first.body.detail, /user id or password is wrong/);
      assertProblem(otherUser, 401, { type: REFUSED });
      assert.equal(otherUser.body.attemptsLeft, 1);
      assertProblem(third, 423, { type: LOCKED });
      assertProblem(rightNow, 423, { type: LOCKED });
      assert.ok(Date.parse(rightNow.body.lockedUntil) > Date.now() + 29 * 60_000);
      assert.deepEqual(await partitionItems(keys.lotPartition(t, lot.id)), lotBefore, 'no signature, no release');
      const items = await signingItems('u-quality', t);
      const audit = items.find((i) => String(i.sk).startsWith('AUDIT#'));
      assert.equal(audit?.action, 'signing-locked');
      const event = items.find((i) => i.entity === 'OutboxEvent');
      assert.equal(event?.type, 'security.signing-locked');
      assert.ok(!JSON.stringify(items).includes('wrong-'), 'no password is stored');
      const mine = () => received.filter((r) => r.body.includes(`"tenantId":"${t}"`));
      for (let waited = 0; mine().length < 1 && waited < 20_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
      const [alert] = mine();
      assert.ok(alert, 'the lock-out alert was delivered');
      new Webhook(alerts.secret).verify(alert.body, alert.headers);
      const body = webhookPayloadSchema('security.signing-locked').parse(JSON.parse(alert.body));
      assert.deepEqual([body.data.userId, body.data.failedAttempts.length], ['u-quality', 3]);
    });
  });

  describe('wrong passwords sent at once', () => {
    it('each count: three together lock signing, and a right password sent with them signs nothing', async () => {
      const t = newTenant();
      const q = await as(mes, t, 'u-quality', ['quality']);
      await buildPlant(await as(mes, t, 'u-planner', ['planner']));
      await withPassword(mes, t, 'u-quality', PASSWORD);
      const lot = await q.ok<MaterialLot>('POST', '/v1/lots', { materialId: HSG, quantity: 5 });
      await q.ok('POST', `/v1/lots/${lot.id}/hold`, { reason: 'check' });
      const path = `/v1/lots/${lot.id}/signatures`;
      const answers = await Promise.all(['wrong-1', 'wrong-2', 'wrong-3'].map((password) => sign(q, path, password, 'approval')));
      for (const answer of answers) assert.ok([401, 423].includes(answer.status), `refused: ${answer.status}`);
      assert.ok(
        answers.some((a) => a.status === 423),
        'the third failure locked signing',
      );
      assertProblem(await sign(q, path, PASSWORD, 'approval'), 423, { type: LOCKED });
      const audit = (await signingItems('u-quality', t)).filter((i) => String(i.sk).startsWith('AUDIT#'));
      assert.deepEqual(
        audit.map((a) => a.action),
        ['signing-locked'],
      );
    });
  });

  describe('a lot release', () => {
    it('does not happen without its signature; the signature releases it in its own transaction', async () => {
      // Prepare
      const lot = await heldLot();
      const before = await lotItems(lot.id);

      // Act
      const unsigned = await people.quality.post(`/v1/lots/${lot.id}/release`, {});
      const unchanged = await lotItems(lot.id);
      const signed = await sign(people.quality, `/v1/lots/${lot.id}/signatures`, PASSWORD, 'approval');
      const again = await sign(quality2, `/v1/lots/${lot.id}/signatures`, PASSWORD, 'approval');

      // Assess
      assertProblem(unsigned, 409, { type: REQUIRED });
      assert.deepEqual(unchanged, before);
      assert.equal(signed.status, 201, signed.text);
      const after = await people.quality.ok<MaterialLot>('GET', `/v1/lots/${lot.id}`);
      assert.equal(after.status, 'available');
      assertProblem(again, 409);
      const list = await people.operator.ok('GET', `/v1/lots/${lot.id}/signatures`);
      assert.deepEqual(
        list.signatures.map((s: { valid: boolean; signerId: string }) => [s.valid, s.signerId]),
        [[true, 'u-quality']],
      );
    });

    it("under a plant's two-person policy: the same person twice is refused, a change after signing makes the signature invalid, and only valid signatures count", async () => {
      // Prepare
      const t = newTenant();
      const p = await staff(mes, t);
      const q2 = await as(mes, t, 'u-quality-2', ['quality']);
      await buildPlant(p.planner);
      await Promise.all(['u-quality', 'u-quality-2', 'u-admin'].map((u) => withPassword(mes, t, u, PASSWORD)));
      await p.admin.ok('PUT', '/v1/tenant-settings', {
        overrunTolerancePct: 5,
        signatureMeanings: [{ code: 'qa-release', text: 'Released by QA' }],
        signaturePolicies: [
          {
            action: 'lot.release',
            required: [
              { meaning: 'review', roles: ['quality', 'admin'] },
              { meaning: 'qa-release', roles: ['quality'] },
            ],
            distinctSigners: true,
          },
        ],
      });
      const lot = await p.supervisor.ok<MaterialLot>('POST', '/v1/lots', { materialId: HSG, quantity: 10 });
      await p.quality.ok('POST', `/v1/lots/${lot.id}/hold`, { reason: 'check' });
      const path = `/v1/lots/${lot.id}/signatures`;

      // Act
      const review = await sign(p.quality, path, PASSWORD, 'review');
      const twice = await sign(p.quality, path, PASSWORD, 'qa-release');
      const stillHeld = await p.quality.ok<MaterialLot>('GET', `/v1/lots/${lot.id}`);
      await p.quality.ok('POST', `/v1/lots/${lot.id}/scrap`, { quantity: 1, reasonCode: 'DIM' });
      const afterChange = await p.operator.ok('GET', path);
      const release = await sign(q2, path, PASSWORD, 'qa-release');
      const stillHeldAfter = await p.quality.ok<MaterialLot>('GET', `/v1/lots/${lot.id}`);
      const reviewAgain = await sign(p.admin, path, PASSWORD, 'review');
      const released = await p.quality.ok<MaterialLot>('GET', `/v1/lots/${lot.id}`);

      // Assess
      assert.equal(review.status, 201, review.text);
      assertProblem(twice, 403, { type: NOT_ALLOWED });
      assert.equal(stillHeld.status, 'on-hold');
      assert.deepEqual(
        afterChange.signatures.map((s: { valid: boolean; invalidReason?: string }) => [s.valid, s.invalidReason]),
        [[false, 'the record changed after it was signed']],
      );
      assert.deepEqual(
        afterChange.required.missing.map((m: { meaning: string }) => m.meaning),
        ['review', 'qa-release'],
      );
      assert.equal(release.status, 201, release.text);
      assert.equal(release.body.meaningText, 'Released by QA');
      assert.equal(stillHeldAfter.status, 'on-hold', 'the invalid review does not count');
      assert.equal(reviewAgain.status, 201, reviewAgain.text);
      assert.equal(released.status, 'available');
    });
  });

  describe('a signature copied to another record', () => {
    it('reads as invalid there, whether it keeps the record it names or is made to name the new one', async () => {
      // Prepare
      const a = await heldLot();
      const b = await heldLot();
      await sign(people.quality, `/v1/lots/${a.id}/signatures`, PASSWORD, 'approval');
      const original = (await lotItems(a.id)).find((i) => i.entity === 'Signature') as Record<string, unknown>;
      const put = (item: Record<string, unknown>) => testDocClient().send(new PutCommand({ TableName: testTableName(), Item: item }));

      // Act
      await put({ ...original, pk: keys.lotPartition(tenant, b.id) });
      await put({ ...original, pk: keys.lotPartition(tenant, b.id), sk: `${original.sk}-forged`, id: `${original.id}-forged`, recordId: b.id });
      const list = await people.operator.ok('GET', `/v1/lots/${b.id}/signatures`);
      const release = await people.quality.post(`/v1/lots/${b.id}/release`, {});

      // Assess
      assert.deepEqual(
        list.signatures.map((s: { valid: boolean; invalidReason?: string }) => [s.valid, s.invalidReason]),
        [
          [false, `signed lot ${a.id}, not this record`],
          [false, 'the record changed after it was signed'],
        ],
      );
      assert.equal(list.required.complete, false);
      assertProblem(release, 409, { type: REQUIRED });
      assert.equal((await people.quality.ok<MaterialLot>('GET', `/v1/lots/${b.id}`)).status, 'on-hold');
    });
  });

  it('delivers signature.applied to subscribers, signed, with the documented body', async () => {
    const lot = await heldLot();
    await sign(people.quality, `/v1/lots/${lot.id}/signatures`, PASSWORD, 'approval');
    const mine = () => received.filter((r) => r.body.includes('"signature.applied"') && r.body.includes(`"lotId":"${lot.id}"`));
    for (let waited = 0; mine().length < 1 && waited < 20_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    const [delivered] = mine();
    assert.ok(delivered);
    new Webhook(endpoint.secret).verify(delivered.body, delivered.headers);
    const body = webhookPayloadSchema('signature.applied').parse(JSON.parse(delivered.body));
    assert.deepEqual([body.data.recordId, body.data.meaning, body.data.performed], [lot.id, 'approval', 'lot released']);
  });
});

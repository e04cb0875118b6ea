/**
 * Every kind of command under a race, with and without If-Match:
 *   - without If-Match a command means "apply to whatever is current": the service runs it again
 *     when another write came first, so exactly the legal ones succeed and the others get their
 *     rule's own refusal, never a stale-version 409;
 *   - with If-Match every racer names the same version: exactly one wins, the others get a
 *     stale-version 409 and write nothing;
 *   - either way the audit trail has one record per success, versions without a gap.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { AuditRecord, WorkOrderDetail } from '#shared/api/schemas.ts';
import { keys } from '#shared/db/keys.ts';
import { setTurnTaking } from '#shared/domain/retry.ts';
import { Webhook } from 'standardwebhooks';
import {
  Api,
  allPages,
  buildPlant,
  type Mes,
  newTenant,
  orderAt,
  PLANT,
  PROBLEM,
  partitionItems,
  type Reply,
  type Staff,
  staff,
  startMes,
} from '../e2e/support/mes.ts';
import { ALWAYS_PLANNED, ingestAll, MINUTE, REASON_TREE, unit } from '../e2e/support/telemetry.ts';

const count = (replies: Reply[], status: number, type?: string) =>
  replies.filter((r) => r.status === status && (type === undefined || (r.body as { type?: string })?.type === type)).length;
const describeReplies = (replies: Reply[]) =>
  [...new Set(replies.map((r) => `${r.status} ${r.status >= 400 ? ((r.body as { type?: string })?.type ?? r.text.slice(0, 80)) : ''}`))].join(', ');

/** Exactly `wins` successes, every other reply the problem `refusal` (never a 5xx, never anything else). */
function assertOutcome(replies: Reply[], wins: number, refusal?: { status: number; type: string }) {
  const summary = describeReplies(replies);
  assert.equal(count(replies, 200), wins, `successes: ${summary}`);
  if (refusal) assert.equal(count(replies, refusal.status, refusal.type), replies.length - wins, `refusals: ${summary}`);
}

/** Versions of the audit records under a partition, in order. */
const auditVersions = async (pk: string, prefix = 'AUDIT#') => (await partitionItems(pk, prefix)).map((i) => Number(i.version));
const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('commands under a race, with and without If-Match', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;
  /** Takes every webhook delivery: endpoints need a URL that answers. */
  let receiver: Server;
  let receiverUrl: string;

  before(async () => {
    receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/mes-events`;
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
    await buildPlant(people.planner);
  });
  after(async () => {
    await mes?.stop();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  });

  const history = (id: string) => allPages<AuditRecord>(people.supervisor, `/v1/work-orders/${id}/history`);
  const order = async (id: string) => (await people.supervisor.get<WorkOrderDetail>(`/v1/work-orders/${id}`)).body;
  const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });

  describe('reports', () => {
    it('lets 50 reports racing a hold all through, and the hold too (reporting is allowed on hold)', async () => {
      const running = await orderAt(people, 'RUNNING', { quantity: 1000 });
      const path = `/v1/work-orders/${running.id}`;
      const [hold, ...reports] = await Promise.all([
        people.supervisor.post(`${path}/hold`, { reasonCode: 'MATERIAL-SHORTAGE' }),
        ...Array.from({ length: 50 }, (_, i) => (i % 2 ? people.operator : people.operator2).post(`${path}/operations/10/report`, { goodQty: 1 })),
      ]);
      assertOutcome([hold as Reply], 1);
      assertOutcome(reports, 50);
      const after = await order(running.id);
      assert.equal(after.status, 'ON_HOLD');
      assert.equal(after.operations[0]?.goodQty, 50);
      assert.deepEqual(
        (await history(running.id)).map((r) => r.version),
        oneTo(after.version),
      );
    });

    it('lets exactly 30 of 100 reports of 1 through against a limit of 30; the others get the quantity rule', async () => {
      const running = await orderAt(people, 'RUNNING', { quantity: 30 });
      const path = `/v1/work-orders/${running.id}/operations/10/report`;
      const replies = await Promise.all(
        Array.from({ length: 100 }, (_, i) => (i % 2 ? people.operator : people.operator2).post(path, { goodQty: 1 })),
      );
      assertOutcome(replies, 30, { status: 409, type: PROBLEM.quantityRule });
      const after = await order(running.id);
      assert.equal(after.operations[0]?.goodQty, 30);
      assert.equal(after.version, running.version + 30);
      assert.deepEqual(
        (await history(running.id)).map((r) => r.version),
        oneTo(after.version),
      );
    });

    it('with If-Match lets one of 20 reports on the same version through; the others are stale and write nothing', async () => {
      const running = await orderAt(people, 'RUNNING', { quantity: 1000 });
      const path = `/v1/work-orders/${running.id}/operations/10/report`;
      const replies = await Promise.all(Array.from({ length: 20 }, () => people.operator.post(path, { goodQty: 1 }, ifMatch(running.version))));
      assertOutcome(replies, 1, { status: 409, type: PROBLEM.staleVersion });
      const after = await order(running.id);
      assert.equal(after.operations[0]?.goodQty, 1);
      assert.deepEqual(
        (await history(running.id)).map((r) => r.version),
        oneTo(after.version),
      );
    });
  });

  // Each state change is legal once: the first wins, the rest find it done and get the state machine's refusal.
  const transitions: { name: string; stage: Parameters<typeof orderAt>[1]; action: string; body: object; who: (p: Staff) => Api }[] = [
    { name: 'release', stage: 'PLANNED', action: 'release', body: {}, who: (p) => p.supervisor },
    { name: 'hold', stage: 'RELEASED', action: 'hold', body: { reasonCode: 'MACHINE-DOWN' }, who: (p) => p.supervisor },
    { name: 'resume (order)', stage: 'ON_HOLD', action: 'resume', body: {}, who: (p) => p.supervisor },
    { name: 'cancel', stage: 'PLANNED', action: 'cancel', body: { reason: 'not needed' }, who: (p) => p.supervisor },
    { name: 'close', stage: 'COMPLETED', action: 'close', body: {}, who: (p) => p.supervisor },
    { name: 'start', stage: 'RELEASED', action: 'operations/10/start', body: {}, who: (p) => p.operator },
    { name: 'pause', stage: 'RUNNING', action: 'operations/10/pause', body: { reasonCode: 'BREAK' }, who: (p) => p.operator },
    { name: 'resume (operation)', stage: 'PAUSED', action: 'operations/10/resume', body: {}, who: (p) => p.operator },
    { name: 'complete', stage: 'RUNNING', action: 'operations/10/complete', body: { goodQty: 10 }, who: (p) => p.operator },
  ];
  for (const t of transitions) {
    describe(t.name, () => {
      it('without If-Match: one of 10 wins, the others are refused by the state machine, not as stale', async () => {
        const start = await orderAt(people, t.stage);
        const replies = await Promise.all(Array.from({ length: 10 }, () => t.who(people).post(`/v1/work-orders/${start.id}/${t.action}`, t.body)));
        assertOutcome(replies, 1, { status: 409, type: PROBLEM.illegalTransition });
        const after = await order(start.id);
        assert.equal(after.version, start.version + 1);
        assert.deepEqual(
          (await history(start.id)).map((r) => r.version),
          oneTo(after.version),
        );
      });

      it('with If-Match: one of 10 wins, the others are stale', async () => {
        const start = await orderAt(people, t.stage);
        const replies = await Promise.all(
          Array.from({ length: 10 }, () => t.who(people).post(`/v1/work-orders/${start.id}/${t.action}`, t.body, ifMatch(start.version))),
        );
        assertOutcome(replies, 1, { status: 409, type: PROBLEM.staleVersion });
        assert.equal((await order(start.id)).version, start.version + 1);
      });
    });
  }

  /**
   * The commands on one record other than work orders, raced in one mode: in one process, where
   * commands on a record take turns, or as on Lambda (`lambda`), through the version condition and
   * the retry alone. Records are named per mode (`m`), so the two runs meet nothing of each other.
   */
  function recordCommands(m: string) {
    describe('master data and plant settings (PUT replaces)', () => {
      const documents: { name: string; path: string; kind: string; id: string; body: (i: number) => object }[] = [
        {
          name: 'equipment',
          path: `/v1/equipment/wc-race-${m}`,
          kind: 'equipment',
          id: `wc-race-${m}`,
          body: (i) => ({ name: `Line ${i}`, level: 'workCenter', parentId: PLANT.area }),
        },
        {
          name: 'material',
          path: `/v1/materials/M-RACE-${m}`,
          kind: 'material',
          id: `M-RACE-${m}`,
          body: (i) => ({ name: `Material ${i}`, uom: 'ea' }),
        },
        {
          name: 'BOM',
          path: `/v1/boms/BOM-RACE-${m}`,
          kind: 'bom',
          id: `BOM-RACE-${m}`,
          body: (i) => ({ materialId: PLANT.product, components: [{ materialId: 'HSG-1', quantityPer: i + 1, operationSeq: 10 }] }),
        },
        {
          name: 'routing',
          path: `/v1/routings/RT-RACE-${m}`,
          kind: 'routing',
          id: `RT-RACE-${m}`,
          body: (i) => ({ materialId: PLANT.product, operations: [{ seq: 10, name: `Step ${i}`, workCenterId: 'wc-pack' }] }),
        },
        {
          name: 'person',
          path: `/v1/personnel/p-race-${m}`,
          kind: 'personnel',
          id: `p-race-${m}`,
          body: (i) => ({ name: `Person ${i}`, roles: ['operator'] }),
        },
        // One of each per tenant: the two modes take their turns on the same one.
        { name: 'tenant settings', path: '/v1/tenant-settings', kind: 'settings', id: 'settings', body: (i) => ({ overrunTolerancePct: i }) },
        {
          name: 'shift calendar',
          path: '/v1/shift-calendar',
          kind: 'shift-calendar',
          id: 'shift-calendar',
          body: (i) => ({ ...ALWAYS_PLANNED, setupIsPlanned: i % 2 === 0 }),
        },
        {
          name: 'downtime reasons',
          path: '/v1/downtime-reasons',
          kind: 'downtime-reasons',
          id: 'downtime-reasons',
          body: (i) => ({ reasons: [...REASON_TREE.reasons, { code: `R-${i}`, name: `Reason ${i}` }] }),
        },
      ];
      for (const d of documents) {
        it(`${d.name}: 10 PUTs without If-Match all apply in turn; with If-Match one of 10 does`, async () => {
          const first = await people.admin.ok('PUT', d.path, d.body(0));
          const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => people.admin.put(d.path, d.body(i + 1))));
          assertOutcome(replies, 10);
          const now = await people.admin.ok('GET', d.path);
          assert.equal(now.version, first.version + 10);
          assert.deepEqual(await auditVersions(keys.masterDataAudit(tenant, d.kind as never, d.id, 0).pk), oneTo(now.version));

          const pinned = await Promise.all(Array.from({ length: 10 }, (_, i) => people.admin.put(d.path, d.body(i + 20), ifMatch(now.version))));
          assertOutcome(pinned, 1, { status: 409, type: PROBLEM.staleVersion });
          assert.equal((await people.admin.ok('GET', d.path)).version, now.version + 1);
        });
      }
    });

    describe('integration credentials', () => {
      it('rotate: 10 without If-Match all rotate in turn; with If-Match one of 10 does', async () => {
        const credential = await people.admin.ok('POST', '/v1/integration-credentials', { name: 'ERP' });
        const path = `/v1/integration-credentials/${credential.id}/rotate`;
        const replies = await Promise.all(Array.from({ length: 10 }, () => people.admin.post(path, { previousSecretValidSeconds: 60 })));
        assertOutcome(replies, 10);
        const now = await people.admin.ok('GET', `/v1/integration-credentials/${credential.id}`);
        assert.equal(now.version, credential.version + 10);
        assert.deepEqual(await auditVersions(keys.integrationAudit(tenant, 'credential', credential.id, 0).pk), oneTo(now.version));
        const pinned = await Promise.all(Array.from({ length: 10 }, () => people.admin.post(path, {}, ifMatch(now.version))));
        assertOutcome(pinned, 1, { status: 409, type: PROBLEM.staleVersion });
      });

      it('revoke: 10 without If-Match all answer the revoked credential, revoked once; a stale If-Match is refused', async () => {
        const credential = await people.admin.ok('POST', '/v1/integration-credentials', { name: 'ERP' });
        const path = `/v1/integration-credentials/${credential.id}`;
        const stale = await people.admin.request('DELETE', path, { headers: ifMatch(credential.version + 999) });
        assert.equal(stale.status, 409, stale.text);
        assert.equal((await people.admin.ok('GET', path)).status, 'active');
        const replies = await Promise.all(Array.from({ length: 10 }, () => people.admin.request('DELETE', path)));
        assertOutcome(replies, 10);
        const now = await people.admin.ok('GET', path);
        assert.equal(now.status, 'revoked');
        assert.equal(now.version, credential.version + 1);
        assert.deepEqual(await auditVersions(keys.integrationAudit(tenant, 'credential', credential.id, 0).pk), oneTo(now.version));
      });
    });

    describe('webhook endpoints', () => {
      const newEndpoint = () => people.admin.ok('POST', '/v1/webhook-endpoints', { url: receiverUrl, eventTypes: ['work-order.released'] });

      it('update and rotate-secret: 10 without If-Match all apply in turn; with If-Match one of 10 does', async () => {
        const endpoint = await newEndpoint();
        const path = `/v1/webhook-endpoints/${endpoint.id}`;
        const updates = await Promise.all(
          Array.from({ length: 5 }, (_, i) => people.admin.request('PATCH', path, { body: { description: `change ${i}` } })),
        );
        const rotations = await Promise.all(
          Array.from({ length: 5 }, () => people.admin.post(`${path}/rotate-secret`, { previousSecretValidSeconds: 0 })),
        );
        assertOutcome([...updates, ...rotations], 10);
        const now = await people.admin.ok('GET', path);
        assert.equal(now.version, endpoint.version + 10);
        assert.deepEqual(await auditVersions(keys.integrationAudit(tenant, 'webhook-endpoint', endpoint.id, 0).pk), oneTo(now.version));
        const pinned = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            people.admin.request('PATCH', path, { body: { description: `pinned ${i}` }, headers: ifMatch(now.version) }),
          ),
        );
        assertOutcome(pinned, 1, { status: 409, type: PROBLEM.staleVersion });
      });

      it('delete: one of 10 deletes, the others find nothing; a stale If-Match is refused', async () => {
        const endpoint = await newEndpoint();
        const path = `/v1/webhook-endpoints/${endpoint.id}`;
        const stale = await people.admin.request('DELETE', path, { headers: ifMatch(endpoint.version + 1) });
        assert.equal(stale.status, 409, stale.text);
        const replies = await Promise.all(Array.from({ length: 10 }, () => people.admin.request('DELETE', path)));
        assert.equal(count(replies, 204), 1, describeReplies(replies));
        assert.equal(count(replies, 404, PROBLEM.notFound), 9, describeReplies(replies));
      });
    });

    it('downtime reasons: 10 supervisors assigning at once all apply in turn, each audited', async () => {
      const unitId = `wu-race-${m}`;
      await people.planner.ok('PUT', `/v1/equipment/${unitId}`, {
        name: 'Press',
        level: 'workUnit',
        parentId: 'wc-assembly',
        offlineAfterSeconds: 86_400,
      });
      await people.planner.ok('PUT', '/v1/shift-calendar', ALWAYS_PLANNED);
      await people.planner.ok('PUT', '/v1/downtime-reasons', REASON_TREE);
      const press = unit(tenant, unitId);
      const stoppedAt = Date.now() - 10 * MINUTE;
      await ingestAll([press.state(stoppedAt - MINUTE, 'running'), press.state(stoppedAt, 'down'), press.state(stoppedAt + 5 * MINUTE, 'running')]);
      const path = `/v1/equipment/${unitId}/downtime/${new Date(stoppedAt).toISOString()}/reason`;
      const codes = REASON_TREE.reasons.map((r) => r.code);
      const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => people.supervisor.put(path, { reasonCode: codes[i % codes.length] })));
      assertOutcome(replies, 10);
      const versions = await auditVersions(keys.downtimeReasonPartition(tenant, unitId), `${new Date(stoppedAt).toISOString()}#AUDIT#`);
      assert.deepEqual(versions, oneTo(10));
      const pinned = await people.supervisor.put(path, { reasonCode: codes[0] }, ifMatch(1));
      assert.equal(pinned.status, 400, 'the downtime reason route does not take If-Match');
    });
  }

  describe('in one process, where commands on a record take turns', () => recordCommands('turns'));

  describe('as on Lambda, where every request is its own process: the version condition and the retry alone', () => {
    before(() => setTurnTaking(false));
    after(() => setTurnTaking(true));

    it('lets 3 of 10 reports of 1 through against a limit of 3, and a hold racing them; the others get the quantity rule', async () => {
      const running = await orderAt(people, 'RUNNING', { quantity: 3 });
      const path = `/v1/work-orders/${running.id}`;
      const [hold, ...reports] = await Promise.all([
        people.supervisor.post(`${path}/hold`, { reasonCode: 'MATERIAL-SHORTAGE' }),
        ...Array.from({ length: 10 }, (_, i) => (i % 2 ? people.operator : people.operator2).post(`${path}/operations/10/report`, { goodQty: 1 })),
      ]);
      assertOutcome([hold as Reply], 1);
      assertOutcome(reports, 3, { status: 409, type: PROBLEM.quantityRule });
      const after = await order(running.id);
      assert.equal(after.operations[0]?.goodQty, 3);
      assert.deepEqual(
        (await history(running.id)).map((r) => r.version),
        oneTo(after.version),
      );
    });

    it('lets one of 5 releases win and refuses the others by the state machine', async () => {
      const planned = await orderAt(people, 'PLANNED');
      const replies = await Promise.all(Array.from({ length: 5 }, () => people.supervisor.post(`/v1/work-orders/${planned.id}/release`, {})));
      assertOutcome(replies, 1, { status: 409, type: PROBLEM.illegalTransition });
    });

    recordCommands('lambda');
  });

  it('ERP deliveries: 10 signed upserts of one material at once (each its own webhook-id) all apply in turn', async () => {
    // An ERP delivery never takes turns: it touches several records, and only the retry orders it.
    const credential = await people.admin.ok('POST', '/v1/integration-credentials', { name: 'SAP' });
    const send = (i: number) => {
      const body = JSON.stringify({ type: 'material.upserted', data: { id: 'M-ERP-RACE', description: `From the ERP ${i}`, unitOfMeasure: 'ea' } });
      const id = `msg_race_${i}_${Date.now()}`;
      const at = new Date();
      return new Api(mes.baseUrl).request('POST', `/v1/integrations/erp/events?credential=${credential.id}`, {
        rawBody: body,
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': new Webhook(credential.secret).sign(id, at, body),
        },
      });
    };
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => send(i)));
    assertOutcome(replies, 10);
    const material = await people.admin.ok('GET', '/v1/materials/M-ERP-RACE');
    assert.equal(material.version, 10, 'created once, then changed by each of the other nine');
    assert.deepEqual(await auditVersions(keys.masterDataAudit(tenant, 'material', 'M-ERP-RACE', 0).pk), oneTo(10));
  });
});

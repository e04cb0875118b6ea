/**
 * Material lots over HTTP (issue 14): receive (numbered, idempotent), hold and release, split,
 * merge, scrap, movements, their webhook events, and lots from an ERP goods receipt. Every
 * refusal is checked to have written nothing: the lots' item collections, the tenant's lot
 * list and genealogy edges read straight from the table are as they were.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { webhookPayloadSchema } from '#shared/api/integration-schemas.ts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '#shared/db/keys.ts';
import type { MaterialLot } from '#shared/domain/tracking/model.ts';
import {
  type Api,
  type Mes,
  PLANT,
  PROBLEM,
  type Reply,
  type Staff,
  allPages,
  as,
  assertProblem,
  buildPlant,
  newTenant,
  partitionItems,
  staff,
  startMes,
} from '../e2e/support/mes.ts';
import { testDocClient, testTableName } from '../helpers/ddb.ts';

process.env.MES_LOCAL_SECRETS_KEY ??= randomBytes(32).toString('base64');

const HSG = PLANT.components[0];
const IMP = PLANT.components[1];
const RESIN = 'RESIN-7';

describe('material lots', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;
  let receiver: Server;
  const received: { headers: Record<string, string>; body: string }[] = [];
  let endpoint: { id: string; secret: string };

  const receive = (body: Record<string, unknown>, who: Api = people.supervisor, headers?: Record<string, string>) =>
    who.post('/v1/lots', body, headers);
  const newLot = async (body: Record<string, unknown> = {}): Promise<MaterialLot> => {
    const reply = await receive({ materialId: HSG, quantity: 10, supplierId: 'ACME', supplierLot: 'S-100', ...body });
    assert.equal(reply.status, 201, reply.text);
    return reply.body;
  };
  /** What a refusal must leave as it was: the lots' item collections, edges, counters and the tenant's lot list. */
  const snapshot = async (ids: string[]) => ({
    lots: await allPages(people.admin, '/v1/lots'),
    items: await Promise.all(ids.map((id) => partitionItems(keys.lotPartition(tenant, id)))),
    edges: await Promise.all(ids.map((id) => partitionItems(keys.genealogyPartition(tenant, `lot:${id}`)))),
    counters: await partitionItems(`${tenant}#TRKSEQ`),
  });
  const refused = async (ids: string[], send: () => Promise<Reply>, status: number, expected: Parameters<typeof assertProblem>[2] = {}) => {
    const beforeSend = await snapshot(ids);
    const reply = await send();
    const problem = assertProblem(reply, status, expected);
    assert.deepEqual(await snapshot(ids), beforeSend, 'the refusal wrote something');
    return problem;
  };

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
    await buildPlant(people.planner);
    // This plant releases lots without a signature (issue 16: plants decide; signatures.test.ts signs them).
    await people.admin.ok('PUT', '/v1/tenant-settings', {
      overrunTolerancePct: 5,
      signaturePolicies: [{ action: 'lot.release', required: [], distinctSigners: false }],
    });
    await people.planner.ok('PUT', `/v1/materials/${RESIN}`, {
      name: 'Resin',
      uom: 'KGM',
      materialType: 'raw',
      tracking: 'lot',
      lotNumberPattern: 'R{YY}-{SEQ:3}',
      shelfLifeDays: 30,
    });
    endpoint = (
      await people.admin.post('/v1/webhook-endpoints', {
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/erp`,
        eventTypes: ['lot.received', 'lot.held', 'lot.released', 'lot.split', 'lot.merged', 'lot.scrapped'],
      })
    ).body;
  });
  after(async () => {
    await mes?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  describe('receive', () => {
    it('numbers a lot by its material’s pattern, dates its expiry from the shelf life, and records the receipt', async () => {
      const reply = await receive({ materialId: RESIN, quantity: 12.5, uom: 'kgm', supplierId: 'ACME', supplierLot: 'B-77' });
      assert.equal(reply.status, 201, reply.text);
      const lot = reply.body as MaterialLot;
      assert.match(lot.id, /^R\d{2}-\d{3}$/);
      assert.equal(reply.headers.get('location'), `/v1/lots/${lot.id}`);
      assert.equal(reply.headers.get('etag'), '"1"');
      assert.deepEqual(
        {
          status: lot.status,
          quantity: lot.quantity,
          initialQuantity: lot.initialQuantity,
          uom: lot.uom,
          origin: lot.origin,
          materialName: lot.materialName,
        },
        { status: 'available', quantity: 12.5, initialQuantity: 12.5, uom: 'KGM', origin: 'received', materialName: 'Resin' },
      );
      const days = (Date.parse(lot.expiresAt as string) - Date.parse(lot.createdAt)) / 86_400_000;
      assert.equal(days, 30);
      assert.deepEqual((await people.operator.get(`/v1/lots/${lot.id}`)).body, lot);
      const next = await newLot({ materialId: RESIN, quantity: 1 });
      assert.equal(Number(next.id.slice(-3)), Number(lot.id.slice(-3)) + 1, 'the next number');
      const [movement] = (await people.operator.get(`/v1/lots/${lot.id}/movements`)).body.items;
      assert.deepEqual(
        {
          type: movement.type,
          quantityChange: movement.quantityChange,
          quantityAfter: movement.quantityAfter,
          by: movement.by,
          version: movement.version,
        },
        { type: 'receive', quantityChange: 12.5, quantityAfter: 12.5, by: 'u-supervisor', version: 1 },
      );
    });

    it('takes a lot number and an expiry when given, and lists lots by material and status', async () => {
      const id = `L-${randomUUID().slice(0, 8)}`;
      const lot = await newLot({ id, expiresAt: '2030-01-01T00:00:00Z' });
      assert.equal(lot.id, id);
      assert.equal(lot.expiresAt, '2030-01-01T00:00:00Z');
      // Stored out of the way of the table's TTL attribute: TTL would delete the record of the lot.
      const { Item } = await testDocClient().send(new GetCommand({ TableName: testTableName(), Key: keys.lot(tenant, id) }));
      assert.equal(Item?.expiresAt, undefined);
      assert.equal(Item?.lotExpiresAt, '2030-01-01T00:00:00Z');
      const ofHsg = await allPages<MaterialLot>(people.operator, `/v1/lots?materialId=${HSG}&status=available`);
      assert.ok(ofHsg.some((l) => l.id === id));
      assert.ok(ofHsg.every((l) => l.materialId === HSG && l.status === 'available'));
      assert.ok((await allPages<MaterialLot>(people.operator, '/v1/lots?status=available')).some((l) => l.id === id));
      assert.ok(!(await allPages<MaterialLot>(people.operator, '/v1/lots?status=on-hold')).some((l) => l.id === id));
      await refused([id], () => receive({ id, materialId: HSG, quantity: 1 }), 409, { type: PROBLEM.alreadyExists });
    });

    it('honours Idempotency-Key: a retry returns the first lot, a different request with the key is refused', async () => {
      const key = `rcv-${randomUUID()}`;
      const body = { materialId: RESIN, quantity: 3, supplierLot: 'B-1' };
      const first = await receive(body, people.supervisor, { 'idempotency-key': key });
      assert.equal(first.status, 201, first.text);
      const again = await receive(body, people.supervisor, { 'idempotency-key': key });
      assert.equal(again.status, 201, again.text);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(again.body, first.body);
      await refused([first.body.id], () => receive({ ...body, quantity: 4 }, people.supervisor, { 'idempotency-key': key }), 422, {
        type: PROBLEM.idempotencyKeyReused,
      });
      assert.equal((await allPages<MaterialLot>(people.admin, `/v1/lots?materialId=${RESIN}`)).filter((l) => l.supplierLot === 'B-1').length, 1);
    });

    it('refuses invalid input, unknown materials and quantities that do not fit the unit, writing nothing', async () => {
      await refused([], () => receive({ materialId: HSG, quantity: -1 }), 400, { type: PROBLEM.invalidInput, pointers: ['/body/quantity'] });
      await refused([], () => receive({ quantity: 1 }), 400, { pointers: ['/body/materialId'] });
      await refused([], () => receive({ materialId: HSG, quantity: 1, expiresAt: 'soon' }), 400, { pointers: ['/body/expiresAt'] });
      await refused([], () => receive({ materialId: 'NO-SUCH', quantity: 1 }), 422, {
        type: PROBLEM.unknownReference,
        pointers: ['/body/materialId'],
      });
      await refused([], () => receive({ materialId: HSG, quantity: 1.5 }), 422, { pointers: ['/body/quantity'] });
      await refused([], () => receive({ materialId: HSG, quantity: 1, uom: 'KGM' }), 422, { pointers: ['/body/uom'] });
      await refused([], () => receive({ materialId: HSG, quantity: 1, stagedAt: 'wc-nowhere' }), 422, { pointers: ['/body/stagedAt'] });
      await refused([], () => receive({ materialId: HSG, quantity: 1 }, people.operator), 403, { type: PROBLEM.forbidden });
    });
  });

  describe('hold and release', () => {
    it('holds a lot with a reason; only quality releases it; a second hold or release is refused', async () => {
      const lot = await newLot();
      const held = await people.supervisor.ok('POST', `/v1/lots/${lot.id}/hold`, { reason: 'supplier recall R-12' });
      assert.deepEqual([held.status, held.holdReason, held.version], ['on-hold', 'supplier recall R-12', 2]);
      await refused([lot.id], () => people.quality.post(`/v1/lots/${lot.id}/hold`, { reason: 'again' }), 409, { type: PROBLEM.illegalTransition });
      await refused([lot.id], () => people.supervisor.post(`/v1/lots/${lot.id}/release`, {}), 403, { type: PROBLEM.forbidden });
      await refused([lot.id], () => people.operator.post(`/v1/lots/${lot.id}/release`, {}), 403);
      await refused([lot.id], () => people.quality.post(`/v1/lots/${lot.id}/hold`, {}), 400, { pointers: ['/body/reason'] });
      const released = await people.quality.ok('POST', `/v1/lots/${lot.id}/release`, { comment: 'tested OK' });
      assert.equal(released.status, 'available');
      assert.equal(released.holdReason, undefined);
      await refused([lot.id], () => people.quality.post(`/v1/lots/${lot.id}/release`, {}), 409, { type: PROBLEM.illegalTransition });
      const types = (await people.operator.get(`/v1/lots/${lot.id}/movements`)).body.items.map((m: { type: string }) => m.type);
      assert.deepEqual(types, ['receive', 'hold', 'release']);
    });

    it('refuses a stale If-Match with 409 and writes nothing', async () => {
      const lot = await newLot();
      await refused([lot.id], () => people.supervisor.post(`/v1/lots/${lot.id}/hold`, { reason: 'x' }, { 'if-match': '"7"' }), 409, {
        type: PROBLEM.staleVersion,
      });
      assert.equal((await people.supervisor.post(`/v1/lots/${lot.id}/hold`, { reason: 'x' }, { 'if-match': '"1"' })).status, 200);
    });
  });

  describe('split', () => {
    it('splits quantities into new numbered lots, with edges both ways, and conserves the quantity', async () => {
      const lot = await newLot({ materialId: RESIN, quantity: 10 });
      const result = await people.supervisor.ok('POST', `/v1/lots/${lot.id}/split`, {
        parts: [{ quantity: 3 }, { quantity: 2.5, id: `${lot.id}-B` }],
      });
      assert.equal(result.lot.quantity, 4.5);
      assert.equal(result.lot.status, 'available');
      assert.deepEqual(
        result.parts.map((p: MaterialLot) => [p.quantity, p.origin, p.supplierLot, p.expiresAt]),
        [
          [3, 'split', lot.supplierLot, lot.expiresAt],
          [2.5, 'split', lot.supplierLot, lot.expiresAt],
        ],
      );
      assert.match(result.parts[0].id, /^R\d{2}-\d{3}$/);
      const out = await partitionItems(keys.genealogyPartition(tenant, `lot:${lot.id}`), 'OUT#');
      assert.deepEqual(
        out.map((e) => [e.sk, e.quantity, e.via]).sort(),
        result.parts.map((p: MaterialLot) => [`OUT#lot:${p.id}`, p.quantity, 'split']).sort(),
      );
      for (const part of result.parts as MaterialLot[]) {
        const [into] = await partitionItems(keys.genealogyPartition(tenant, `lot:${part.id}`), 'IN#');
        assert.equal(into?.sk, `IN#lot:${lot.id}`);
      }
      // The trace reads them: forward from the lot to its parts, backward from a part to the lot.
      const forward = await people.operator.ok<{ nodes: { id: string; level: number }[] }>('GET', `/v1/lots/${lot.id}/genealogy?direction=forward`);
      assert.deepEqual(
        forward.nodes
          .filter((n) => n.level > 0)
          .map((n) => n.id)
          .sort(),
        result.parts.map((p: MaterialLot) => p.id).sort(),
      );
      const backward = await people.operator.ok<{ nodes: { id: string }[] }>('GET', `/v1/lots/${result.parts[0].id}/genealogy?direction=backward`);
      assert.ok(backward.nodes.some((n) => n.id === lot.id));
      const whole = await people.supervisor.ok('POST', `/v1/lots/${lot.id}/split`, { parts: [{ quantity: 4.5 }] });
      assert.deepEqual([whole.lot.quantity, whole.lot.status], [0, 'consumed']);
    });

    it('refuses too much, a lot that is gone, and bad parts, writing nothing', async () => {
      const lot = await newLot({ quantity: 5 });
      const problem = await refused(
        [lot.id],
        () => people.supervisor.post(`/v1/lots/${lot.id}/split`, { parts: [{ quantity: 3 }, { quantity: 3 }] }),
        409,
        {
          type: PROBLEM.quantityRule,
        },
      );
      assert.match(String(problem.detail), /5 EA left, too little for parts of 6/);
      await refused([lot.id], () => people.supervisor.post(`/v1/lots/${lot.id}/split`, { parts: [] }), 400, { pointers: ['/body/parts'] });
      await refused([lot.id], () => people.supervisor.post(`/v1/lots/${lot.id}/split`, { parts: [{ quantity: 0.5 }] }), 422, {
        pointers: ['/body/parts/0/quantity'],
      });
      await refused([lot.id], () => people.supervisor.post(`/v1/lots/${lot.id}/split`, { parts: [{ quantity: 1, id: lot.id }] }), 400, {
        pointers: ['/body/parts'],
      });
      await people.supervisor.ok('POST', `/v1/lots/${lot.id}/scrap`, { reasonCode: 'MAT' });
      await refused([lot.id], () => people.supervisor.post(`/v1/lots/${lot.id}/split`, { parts: [{ quantity: 1 }] }), 409, {
        type: PROBLEM.illegalTransition,
      });
      await refused([], () => people.supervisor.post('/v1/lots/NO-SUCH/split', { parts: [{ quantity: 1 }] }), 404, { type: PROBLEM.notFound });
    });
  });

  it('conserves quantity through any split and merge back (property)', async () => {
    const tenths = fc.integer({ min: 1, max: 500 }).map((n) => n / 10);
    await fc.assert(
      fc.asyncProperty(tenths, fc.array(tenths, { minLength: 1, maxLength: 4 }), async (have, parts) => {
        const lot = await newLot({ materialId: RESIN, quantity: have });
        const asked = Math.round(parts.reduce((a, b) => a + b, 0) * 10) / 10;
        const reply = await people.supervisor.post(`/v1/lots/${lot.id}/split`, { parts: parts.map((quantity) => ({ quantity })) });
        if (asked > have) {
          assertProblem(reply, 409, { type: PROBLEM.quantityRule });
          assert.equal((await people.operator.get(`/v1/lots/${lot.id}`)).body.quantity, have);
          return;
        }
        assert.equal(reply.status, 200, reply.text);
        const made = reply.body.parts as MaterialLot[];
        const total = made.reduce((sum, p) => sum + p.quantity, reply.body.lot.quantity);
        assert.ok(Math.abs(total - have) < 1e-6, `${total} != ${have}`);
        if (made.length < 2) return;
        const merged = await people.supervisor.ok('POST', '/v1/lots/merge', { lotIds: made.map((p) => p.id) });
        assert.ok(Math.abs(merged.quantity - asked) < 1e-6, `${merged.quantity} != ${asked}`);
      }),
      { numRuns: 8 },
    );
  });

  describe('merge', () => {
    it('merges lots of one material into a new lot; each source is consumed; edges lead from each', async () => {
      const a = await newLot({ quantity: 4 });
      const b = await newLot({ quantity: 6, supplierLot: 'S-200', expiresAt: '2031-01-01T00:00:00Z' });
      const reply = await people.supervisor.post('/v1/lots/merge', { lotIds: [a.id, b.id], comment: 'one bin' });
      assert.equal(reply.status, 201, reply.text);
      const merged = reply.body as MaterialLot;
      assert.deepEqual(
        [merged.quantity, merged.origin, merged.status, merged.supplierId, merged.supplierLot],
        [10, 'merged', 'available', 'ACME', undefined],
      );
      assert.equal(merged.expiresAt, '2031-01-01T00:00:00Z');
      for (const source of [a, b]) {
        const now = (await people.operator.get(`/v1/lots/${source.id}`)).body;
        assert.deepEqual([now.quantity, now.status], [0, 'consumed']);
      }
      const into = await partitionItems(keys.genealogyPartition(tenant, `lot:${merged.id}`), 'IN#');
      assert.deepEqual(into.map((e) => [e.sk, e.quantity, e.via]).sort(), [
        [`IN#lot:${a.id}`, 4, 'merge'],
        [`IN#lot:${b.id}`, 6, 'merge'],
      ]);
    });

    it('refuses other materials, other statuses, lots that are gone or unknown, writing nothing', async () => {
      const a = await newLot();
      const other = await newLot({ materialId: IMP });
      const held = await newLot();
      await people.quality.ok('POST', `/v1/lots/${held.id}/hold`, { reason: 'check' });
      const problem = await refused([a.id, other.id], () => people.supervisor.post('/v1/lots/merge', { lotIds: [a.id, other.id] }), 409, {
        type: PROBLEM.illegalTransition,
      });
      assert.match(String(problem.detail), /different materials/);
      await refused([a.id, held.id], () => people.supervisor.post('/v1/lots/merge', { lotIds: [a.id, held.id] }), 409, {
        type: PROBLEM.illegalTransition,
      });
      await refused([a.id], () => people.supervisor.post('/v1/lots/merge', { lotIds: [a.id, 'NO-SUCH'] }), 404, { type: PROBLEM.notFound });
      await refused([a.id], () => people.supervisor.post('/v1/lots/merge', { lotIds: [a.id, a.id] }), 400, { pointers: ['/body/lotIds'] });
      await refused([a.id], () => people.supervisor.post('/v1/lots/merge', { lotIds: [a.id] }), 400, { pointers: ['/body/lotIds'] });
      const gone = await newLot();
      await people.supervisor.ok('POST', `/v1/lots/${gone.id}/scrap`, { reasonCode: 'MAT' });
      await refused([a.id, gone.id], () => people.supervisor.post('/v1/lots/merge', { lotIds: [a.id, gone.id] }), 409, {
        type: PROBLEM.illegalTransition,
      });
      // Two held lots merge into a held lot.
      const held2 = await newLot();
      await people.quality.ok('POST', `/v1/lots/${held2.id}/hold`, { reason: 'check 2' });
      const mergedHeld = await people.supervisor.ok('POST', '/v1/lots/merge', { lotIds: [held.id, held2.id] });
      assert.deepEqual([mergedHeld.status, mergedHeld.holdReason], ['on-hold', 'check; check 2']);
    });
  });

  describe('scrap', () => {
    it('scraps part, then the rest; refuses too much, an unknown reason and a lot that is gone', async () => {
      const lot = await newLot({ quantity: 5 });
      const part = await people.quality.ok('POST', `/v1/lots/${lot.id}/scrap`, { quantity: 2, reasonCode: 'SURF', comment: 'scratched' });
      assert.deepEqual([part.quantity, part.status], [3, 'available']);
      await refused([lot.id], () => people.quality.post(`/v1/lots/${lot.id}/scrap`, { quantity: 4, reasonCode: 'SURF' }), 409, {
        type: PROBLEM.quantityRule,
      });
      await refused([lot.id], () => people.quality.post(`/v1/lots/${lot.id}/scrap`, { reasonCode: 'NOPE' }), 422, { pointers: ['/body/reasonCode'] });
      await refused([lot.id], () => people.operator.post(`/v1/lots/${lot.id}/scrap`, { reasonCode: 'SURF' }), 403);
      const rest = await people.quality.ok('POST', `/v1/lots/${lot.id}/scrap`, { reasonCode: 'SURF' });
      assert.deepEqual([rest.quantity, rest.status], [0, 'scrapped']);
      await refused([lot.id], () => people.quality.post(`/v1/lots/${lot.id}/scrap`, { reasonCode: 'SURF' }), 409, {
        type: PROBLEM.illegalTransition,
      });
      const movements = (await people.operator.get(`/v1/lots/${lot.id}/movements`)).body.items;
      assert.deepEqual(
        movements.map((m: { type: string; quantityChange: number; quantityAfter: number }) => [m.type, m.quantityChange, m.quantityAfter]),
        [
          ['receive', 5, 5],
          ['scrap', -2, 3],
          ['scrap', -3, 0],
        ],
      );
    });
  });

  describe('at once', () => {
    it('never takes more than a lot has when people scrap from it at the same time', async () => {
      const lot = await newLot({ quantity: 10 });
      const replies = await Promise.all(
        Array.from({ length: 5 }, () => people.quality.post(`/v1/lots/${lot.id}/scrap`, { quantity: 3, reasonCode: 'DIM' })),
      );
      assert.deepEqual(replies.map((r) => r.status).sort(), [200, 200, 200, 409, 409]);
      for (const r of replies.filter((r) => r.status === 409)) assertProblem(r, 409, { type: PROBLEM.quantityRule });
      const now = (await people.operator.get(`/v1/lots/${lot.id}`)).body as MaterialLot;
      assert.deepEqual([now.quantity, now.version], [1, 4]);
      const after = (await people.operator.get(`/v1/lots/${lot.id}/movements`)).body.items.map((m: { quantityAfter: number }) => m.quantityAfter);
      assert.deepEqual(after, [10, 7, 4, 1]);
    });

    it('gives two receipts at the same time two numbers', async () => {
      const [a, b] = await Promise.all([newLot({ materialId: RESIN, quantity: 1 }), newLot({ materialId: RESIN, quantity: 1 })]);
      assert.notEqual(a.id, b.id);
      assert.equal(Math.abs(Number(a.id.slice(-3)) - Number(b.id.slice(-3))), 1);
    });
  });

  describe('tenants', () => {
    it('answers another tenant’s lot with 404 and writes nothing', async () => {
      const lot = await newLot();
      const other = await as(mes, newTenant(), 'u-other', ['quality', 'supervisor']);
      for (const send of [
        () => other.get(`/v1/lots/${lot.id}`),
        () => other.get(`/v1/lots/${lot.id}/movements`),
        () => other.post(`/v1/lots/${lot.id}/hold`, { reason: 'x' }),
        () => other.post(`/v1/lots/${lot.id}/split`, { parts: [{ quantity: 1 }] }),
        () => other.post(`/v1/lots/${lot.id}/scrap`, { reasonCode: 'DIM' }),
        () => other.post('/v1/lots/merge', { lotIds: [lot.id, `${lot.id}x`] }),
      ]) {
        await refused([lot.id], send, 404, { type: PROBLEM.notFound });
      }
      assert.deepEqual((await other.get('/v1/lots')).body.items, []);
    });
  });

  describe('from the ERP', () => {
    /** Signs a delivery with the credential's secret, as an ERP's Standard Webhooks sender does. */
    const send = async (credential: { id: string; secret: string }, payload: unknown, webhookId = `msg_${randomUUID()}`) => {
      const body = JSON.stringify(payload);
      const at = new Date();
      const headers = {
        'content-type': 'application/json',
        'webhook-id': webhookId,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(credential.secret).sign(webhookId, at, body),
      };
      return people.anonymous.request('POST', `/v1/integrations/erp/events?credential=${credential.id}`, { rawBody: body, headers });
    };
    const receipt = (data: Record<string, unknown>) => ({ type: 'lot.received', data: { materialDefinitionId: RESIN, quantity: 25, ...data } });

    it('receives a lot from a goods receipt; a redelivery replays; the same lot number again changes nothing', async () => {
      const credential = (await people.admin.post('/v1/integration-credentials', { name: 'SAP' })).body;
      const webhookId = `msg_${randomUUID()}`;
      const first = await send(
        credential,
        receipt({ unitOfMeasure: 'kg', supplierId: 'ACME', supplierLotId: 'ERP-B1', externalReference: 'GR-5000-10' }),
        webhookId,
      );
      assert.equal(first.status, 200, first.text);
      const [result] = first.body.results;
      assert.deepEqual([result.entity, result.outcome, result.version], ['lot', 'created', 1]);
      const lot = (await people.operator.get(`/v1/lots/${result.id}`)).body as MaterialLot;
      assert.deepEqual(
        [lot.materialId, lot.quantity, lot.uom, lot.supplierId, lot.supplierLot, lot.externalRef, lot.createdBy],
        [RESIN, 25, 'KGM', 'ACME', 'ERP-B1', 'GR-5000-10', `integration:${credential.id}`],
      );
      const again = await send(
        credential,
        receipt({ unitOfMeasure: 'kg', supplierId: 'ACME', supplierLotId: 'ERP-B1', externalReference: 'GR-5000-10' }),
        webhookId,
      );
      assert.deepEqual(again.body, first.body);
      const named = await send(credential, receipt({ id: `ERP-${randomUUID().slice(0, 6)}` }));
      assert.equal(named.body.results[0].outcome, 'created');
      const twice = await send(credential, receipt({ id: named.body.results[0].id }));
      assert.deepEqual([twice.status, twice.body.results[0].outcome], [200, 'unchanged']);
    });

    it('refuses an unknown material or a unit that is not the material’s at the ERP’s field, writing nothing', async () => {
      const credential = (await people.admin.post('/v1/integration-credentials', { name: 'SAP 2' })).body;
      const unknown = await refused([], () => send(credential, receipt({ materialDefinitionId: 'NO-SUCH' })), 422, {
        pointers: ['/body/data/materialDefinitionId'],
      });
      assert.equal(unknown.type, PROBLEM.unknownReference);
      await refused([], () => send(credential, receipt({ unitOfMeasure: 'EA' })), 422, { pointers: ['/body/data/unitOfMeasure'] });
      await refused([], () => send(credential, receipt({ quantity: -2 })), 400, { pointers: ['/body/data/quantity'] });
    });
  });

  describe('webhook events', () => {
    it('delivers lot.received, held, released, split, merged and scrapped to subscribers, signed, with the documented body', async () => {
      const a = await newLot({ quantity: 8 });
      await people.quality.ok('POST', `/v1/lots/${a.id}/hold`, { reason: 'check' });
      await people.quality.ok('POST', `/v1/lots/${a.id}/release`, {});
      const { parts } = await people.supervisor.ok('POST', `/v1/lots/${a.id}/split`, { parts: [{ quantity: 2 }] });
      const merged = await people.supervisor.ok('POST', '/v1/lots/merge', { lotIds: [a.id, parts[0].id] });
      await people.quality.ok('POST', `/v1/lots/${merged.id}/scrap`, { quantity: 1, reasonCode: 'DIM' });
      const mine = () => received.map((r) => ({ r, body: JSON.parse(r.body) })).filter(({ body }) => [a.id, merged.id].includes(body.lotId));
      for (let waited = 0; mine().length < 6 && waited < 20_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
      const bodies = mine().map(({ r, body }) => {
        new Webhook(endpoint.secret).verify(r.body, r.headers);
        return webhookPayloadSchema(body.type).parse(body) as { type: string; lotId: string; sequence: number; data: Record<string, unknown> };
      });
      assert.deepEqual(
        bodies
          .filter((b) => b.lotId === a.id)
          .map((b) => [b.type, b.sequence])
          .sort(),
        [
          ['lot.held', 2],
          ['lot.received', 1],
          ['lot.released', 3],
          ['lot.split', 4],
        ],
      );
      assert.deepEqual(
        bodies
          .filter((b) => b.lotId === merged.id)
          .map((b) => b.type)
          .sort(),
        ['lot.merged', 'lot.scrapped'],
      );
      const split = bodies.find((b) => b.type === 'lot.split');
      assert.deepEqual(split?.data.parts, [{ lotId: parts[0].id, quantity: 2 }]);
      assert.equal(split?.data.quantity, 6);
      const deliveries = await allPages(people.admin, `/v1/webhook-endpoints/${endpoint.id}/deliveries`);
      assert.ok(deliveries.some((d: { lotId?: string }) => d.lotId === a.id));
    });
  });
});

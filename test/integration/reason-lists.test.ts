/**
 * The plant's scrap, pause and hold reason lists over HTTP: every role reads them (the defaults
 * until a planner saves a list), planners and admins replace them (If-Match, audited, a reason
 * retired and never removed), and a report, completion, pause or hold naming a code that is not
 * an active reason of its list is a 422 naming the field and the list, and writes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ReasonList, WorkOrderDetail } from '#shared/api/schemas.ts';
import { keys } from '#shared/db/keys.ts';
import { DEFAULT_REASON_LISTS } from '#shared/domain/master-data/reason-lists.ts';
import {
  type Api,
  type Mes,
  PLANT,
  PROBLEM,
  type Staff,
  assertProblem,
  buildPlant,
  newTenant,
  orderAt,
  partitionItems,
  snapshot,
  staff,
  startMes,
} from '../e2e/support/mes.ts';

const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });
const scrapWith = (...extra: { code: string; name: string; active?: boolean; description?: string }[]) => ({
  reasons: [...DEFAULT_REASON_LISTS.scrap.reasons, ...extra],
});

describe('reason lists', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;

  before(async () => {
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
    await buildPlant(people.planner);
  });
  after(async () => {
    await mes?.stop();
  });

  describe('reading and replacing a list', () => {
    it('gives every role the defaults until a list is saved, version 0', async () => {
      for (const api of [people.operator, people.supervisor, people.quality, people.planner, people.admin, people.integration]) {
        const all = await api.ok<Record<'scrap' | 'pause' | 'hold' | 'defect' | 'indirect', ReasonList>>('GET', '/v1/reason-lists');
        // Issue 18: the indirect activities (docs/labor.md).
        assert.deepEqual(Object.keys(all).sort(), ['defect', 'hold', 'indirect', 'pause', 'scrap']);
        for (const list of ['scrap', 'pause', 'hold', 'defect', 'indirect'] as const) {
          assert.equal(all[list].isDefault, true);
          assert.equal(all[list].version, 0);
          assert.deepEqual(all[list].reasons, DEFAULT_REASON_LISTS[list].reasons);
        }
      }
      const pause = await people.operator.get<ReasonList>('/v1/reason-lists/pause');
      assert.equal(pause.status, 200, pause.text);
      assert.equal(pause.headers.get('etag'), '"0"');
      assert.deepEqual(
        pause.body.reasons.map((r) => r.name),
        ['Break', 'Waiting for material', 'Machine problem', 'Quality check', 'Changeover'],
      );
      assertProblem(await people.operator.get('/v1/reason-lists/downtime'), 400, { pointers: ['/path/list'] });
    });

    it('lets planners and admins replace a list with If-Match, and no one else', async () => {
      for (const api of [people.operator, people.supervisor, people.quality]) {
        assertProblem(await api.put('/v1/reason-lists/scrap', scrapWith({ code: 'BURR', name: 'Burr' })), 403, { type: PROBLEM.forbidden });
      }
      assert.equal((await people.operator.get<ReasonList>('/v1/reason-lists/scrap')).body.version, 0, 'the refusals wrote nothing');

      const saved = await people.planner.put<ReasonList>('/v1/reason-lists/scrap', scrapWith({ code: 'BURR', name: 'Burr' }), ifMatch(0));
      assert.equal(saved.status, 200, saved.text);
      assert.equal(saved.headers.get('etag'), '"1"');
      assert.equal(saved.body.version, 1);
      assert.equal(saved.body.isDefault, false);
      assert.equal(saved.body.updatedBy, 'u-planner');
      assert.deepEqual(saved.body.reasons.at(-1), { code: 'BURR', name: 'Burr', active: true }, 'active unless said otherwise');

      // A stale If-Match is a 409 and writes nothing.
      const stale = await people.admin.put('/v1/reason-lists/scrap', scrapWith({ code: 'BURR', name: 'Burr on edge' }), ifMatch(0));
      assertProblem(stale, 409, { type: PROBLEM.staleVersion });
      const next = await people.admin.put<ReasonList>('/v1/reason-lists/scrap', scrapWith({ code: 'BURR', name: 'Burr on edge' }), ifMatch(1));
      assert.equal(next.status, 200, next.text);
      assert.equal(next.body.version, 2);
      assert.equal(next.body.updatedBy, 'u-admin');
      const read = await people.operator.ok<ReasonList>('GET', '/v1/reason-lists/scrap');
      assert.deepEqual(read, next.body, 'GET reads what PUT answered');
      // The other lists stay defaults.
      assert.equal((await people.operator.ok<ReasonList>('GET', '/v1/reason-lists/pause')).isDefault, true);
    });

    it('audits every version with who, when, and old and new values', async () => {
      const audit = await partitionItems(keys.masterDataAudit(tenant, 'reason-list', 'scrap', 0).pk);
      assert.deepEqual(
        audit.map((a) => [a.version, a.action, a.by]),
        [
          [1, 'reason-list.create', 'u-planner'],
          [2, 'reason-list.replace', 'u-admin'],
        ],
      );
      assert.match(JSON.stringify(audit[1]), /Burr on edge/, 'the audit record holds the change');
    });

    it('names duplicate codes, empty names, bad codes and an empty list, and writes nothing', async () => {
      const before = await people.planner.ok<ReasonList>('GET', '/v1/reason-lists/scrap');
      const cases: [unknown, string[]][] = [
        [scrapWith({ code: 'DIM', name: 'Dimension again' }), ['/body/reasons']],
        [{ reasons: [{ code: 'DIM', name: '' }] }, ['/body/reasons/0/name']],
        [{ reasons: [{ code: 'has space', name: 'Spaced' }] }, ['/body/reasons/0/code']],
        [{ reasons: [{ code: 'DIM', name: 'x', active: 'yes' }] }, ['/body/reasons/0/active']],
        [{ reasons: [] }, ['/body/reasons']],
        [{}, ['/body/reasons']],
      ];
      for (const [body, pointers] of cases) {
        assertProblem(await people.planner.put('/v1/reason-lists/scrap', body), 400, { type: PROBLEM.invalidInput, pointers });
      }
      assert.deepEqual(await people.planner.ok('GET', '/v1/reason-lists/scrap'), before);
    });

    it('retires a reason and never removes one: a list without a code it had is a 422 naming it', async () => {
      const removed = await people.planner.put('/v1/reason-lists/scrap', { reasons: DEFAULT_REASON_LISTS.scrap.reasons });
      const problem = assertProblem(removed, 422, { type: PROBLEM.reasonRemoved, pointers: ['/body/reasons'] });
      assert.match(String(problem.detail), /BURR \(Burr on edge\).*active: false/);
      // A default list counts as the one before: its codes stay too.
      const fromDefault = await people.planner.put('/v1/reason-lists/hold', { reasons: [{ code: 'OTHER', name: 'Other' }] });
      assertProblem(fromDefault, 422, { type: PROBLEM.reasonRemoved });
      assert.match(String(fromDefault.body.detail), /MATERIAL-SHORTAGE/);
      assert.equal((await people.planner.ok<ReasonList>('GET', '/v1/reason-lists/hold')).isDefault, true, 'nothing written');

      const retired = await people.planner.ok<ReasonList>('PUT', '/v1/reason-lists/scrap', {
        reasons: [
          ...DEFAULT_REASON_LISTS.scrap.reasons.map((r) => (r.code === 'SETUP' ? { ...r, active: false } : r)),
          { code: 'BURR', name: 'Burr on edge', description: 'Deburr the edge and report the rest as good' },
        ],
      });
      assert.equal(retired.reasons.find((r) => r.code === 'SETUP')?.active, false);
    });
  });

  describe('records that name a reason', () => {
    /** A refusal: status, type and pointer, a detail naming the list, and nothing written. */
    async function refused(who: Api, order: WorkOrderDetail, action: string, body: unknown, pointer: string, detail: RegExp) {
      const before = await snapshot(people.admin, tenant, order.id);
      const reply = await who.post(`/v1/work-orders/${order.id}/${action}`, body);
      const problem = assertProblem(reply, 422, { type: PROBLEM.unknownReference, pointers: [pointer] });
      const errors = problem.errors as { pointer: string; detail: string }[];
      assert.match(errors.find((e) => e.pointer === pointer)?.detail ?? '', detail);
      assert.deepEqual(await snapshot(people.admin, tenant, order.id), before, `${action} wrote something`);
    }

    it('refuses an unknown scrap reason on report and complete, naming the list', async () => {
      const order = await orderAt(people, 'RUNNING', { quantity: 10 });
      const notOnList = /^XYZ is not on the plant's scrap reason list \(known: DIM, SURF, MAT, HANDLING, BURR\)$/;
      await refused(
        people.operator,
        order,
        'operations/10/report',
        { goodQty: 1, scrapQty: 1, scrapReasonCode: 'XYZ' },
        '/body/scrapReasonCode',
        notOnList,
      );
      await refused(
        people.operator,
        order,
        'operations/10/complete',
        { goodQty: 10, scrapQty: 1, scrapReasonCode: 'XYZ' },
        '/body/scrapReasonCode',
        notOnList,
      );
      // A code is checked even without scrap: a report never stores a code off the list.
      await refused(people.operator, order, 'operations/10/report', { goodQty: 1, scrapReasonCode: 'XYZ' }, '/body/scrapReasonCode', notOnList);
    });

    it('refuses a retired scrap reason, and takes an active one', async () => {
      const order = await orderAt(people, 'RUNNING', { quantity: 10 });
      await refused(
        people.operator,
        order,
        'operations/10/report',
        { goodQty: 1, scrapQty: 1, scrapReasonCode: 'SETUP' },
        '/body/scrapReasonCode',
        /^SETUP \(Setup scrap\) is retired from the plant's scrap reason list/,
      );
      const reported = await people.operator.ok<WorkOrderDetail>('POST', `/v1/work-orders/${order.id}/operations/10/report`, {
        goodQty: 2,
        scrapQty: 1,
        scrapReasonCode: 'BURR',
      });
      assert.deepEqual(reported.operations[0]?.scrapByReason, { BURR: 1 });
    });

    it('still needs a scrap reason for scrap, as before', async () => {
      const order = await orderAt(people, 'RUNNING', { quantity: 10 });
      assertProblem(await people.operator.post(`/v1/work-orders/${order.id}/operations/10/report`, { scrapQty: 1 }), 400, {
        pointers: ['/body/scrapReasonCode'],
      });
    });

    it('refuses an unknown or retired pause reason, in reasonCode or in the older reason field', async () => {
      const order = await orderAt(people, 'RUNNING');
      const notOnList = /^break time is not on the plant's pause reason list \(known: BREAK, NO-MATERIAL, MACHINE, QUALITY-CHECK, CHANGEOVER\)$/;
      await refused(people.operator, order, 'operations/10/pause', { reason: 'break time' }, '/body/reason', notOnList);
      await refused(
        people.operator,
        order,
        'operations/10/pause',
        { reasonCode: 'LUNCH' },
        '/body/reasonCode',
        /^LUNCH is not on the plant's pause reason list/,
      );
      assertProblem(await people.operator.post(`/v1/work-orders/${order.id}/operations/10/pause`, {}), 400, { pointers: ['/body/reasonCode'] });
      assertProblem(await people.operator.post(`/v1/work-orders/${order.id}/operations/10/pause`, { reasonCode: 'BREAK', reason: 'MACHINE' }), 400, {
        pointers: ['/body/reason'],
      });

      await people.planner.ok('PUT', '/v1/reason-lists/pause', {
        reasons: DEFAULT_REASON_LISTS.pause.reasons.map((r) => (r.code === 'CHANGEOVER' ? { ...r, active: false } : r)),
      });
      await refused(
        people.operator,
        order,
        'operations/10/pause',
        { reasonCode: 'CHANGEOVER' },
        '/body/reasonCode',
        /^CHANGEOVER \(Changeover\) is retired from the plant's pause reason list: choose an active reason \(active: BREAK, NO-MATERIAL, MACHINE, QUALITY-CHECK\)$/,
      );
    });

    it('pauses with a code and a comment: the operation keeps the code, the audit record both', async () => {
      const order = await orderAt(people, 'RUNNING');
      const paused = await people.operator.ok<WorkOrderDetail>('POST', `/v1/work-orders/${order.id}/operations/10/pause`, {
        reasonCode: 'MACHINE',
        comment: 'feeder jams every few parts',
      });
      assert.equal(paused.operations[0]?.pauseReason, 'MACHINE');
      const history = (await people.operator.ok('GET', `/v1/work-orders/${order.id}/history`)).items as {
        action: string;
        reason?: string;
        comment?: string;
      }[];
      const pause = history.find((r) => r.action === 'operation.pause');
      assert.deepEqual([pause?.reason, pause?.comment], ['MACHINE', 'feeder jams every few parts']);
      // The older field still takes a code, for clients that sent one.
      await people.operator.ok('POST', `/v1/work-orders/${order.id}/operations/10/resume`, {});
      const legacy = await people.operator.ok<WorkOrderDetail>('POST', `/v1/work-orders/${order.id}/operations/10/pause`, { reason: 'BREAK' });
      assert.equal(legacy.operations[0]?.pauseReason, 'BREAK');
    });

    it('refuses an unknown hold reason, and holds with a code and a comment', async () => {
      const order = await orderAt(people, 'RELEASED');
      await refused(
        people.supervisor,
        order,
        'hold',
        { reason: 'waiting for material' },
        '/body/reason',
        /^waiting for material is not on the plant's hold reason list \(known: MATERIAL-SHORTAGE, MACHINE-DOWN, QUALITY-SUSPECT, AWAITING-INSTRUCTIONS\)$/,
      );
      await refused(
        people.quality,
        order,
        'hold',
        { reasonCode: 'XYZ', kind: 'quality' },
        '/body/reasonCode',
        /^XYZ is not on the plant's hold reason list/,
      );
      const held = await people.quality.ok<WorkOrderDetail>('POST', `/v1/work-orders/${order.id}/hold`, {
        reasonCode: 'QUALITY-SUSPECT',
        comment: 'QN-17: seals from lot 4711',
      });
      assert.deepEqual([held.status, held.holdReason, held.holdKind], ['ON_HOLD', 'QUALITY-SUSPECT', 'quality']);
    });

    it('says the state first: an illegal pause is a 409 whatever its reason', async () => {
      const order = await orderAt(people, 'RELEASED', { routingId: PLANT.routing });
      assertProblem(await people.operator.post(`/v1/work-orders/${order.id}/operations/10/pause`, { reasonCode: 'XYZ' }), 409, {
        type: PROBLEM.illegalTransition,
      });
    });
  });
});

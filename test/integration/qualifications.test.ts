/**
 * Qualifications over HTTP (issue 18; docs/qualifications.md): definitions and a person's set
 * (audited), requirements copied at release from the routing operation, the unit and the
 * training on a document version, the gate on operation start naming every missing one (409),
 * the supervisor's signed override (audited, `qualification.overridden`), expiry on a
 * controlled clock, another plant's qualifications a 404, and bad input refused writing nothing.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { VirtualClock } from '#infra/local/virtual-clock.ts';
import { startTestRuntime } from '../helpers/runtime.ts';
import {
  type Api,
  as,
  assertProblem,
  buildPlant,
  createOrder,
  type Mes,
  newTenant,
  PLANT,
  partitionItems,
  type Staff,
  staff,
  storedItems,
} from '../e2e/support/mes.ts';
import { withPassword } from '../e2e/support/signing.ts';

process.env.MES_LOCAL_SECRETS_KEY ??= randomBytes(32).toString('base64');

const PASSWORD = 'correct horse battery';
const MISSING = 'urn:mes:problem:qualification-missing';
const DAY = 86_400_000;
const T0 = '2030-03-01T08:00:00.000Z';

describe('qualifications', () => {
  let mes: Mes;
  let clock: VirtualClock;
  let tenant: string;
  let people: Staff;
  const at = (days: number) => new Date(new Date(T0).getTime() + days * DAY).toISOString();

  /** An order on `routing`, released: its operations carry their requirements. */
  const released = async (routingId: string) => {
    const order = await createOrder(people.planner, { routingId });
    await people.supervisor.ok('POST', `/v1/work-orders/${order.id}/release`, {});
    return order.id;
  };
  const start = (api: Api, id: string, body: unknown = {}) => api.post(`/v1/work-orders/${id}/operations/10/start`, body);
  const grant = (personnelId: string, qualifications: unknown[]) =>
    people.supervisor.ok('PUT', `/v1/personnel/${personnelId}/qualifications`, { qualifications });

  before(async () => {
    clock = new VirtualClock(T0);
    mes = await startTestRuntime({ clock });
    tenant = newTenant();
    people = await staff(mes, tenant);
    await buildPlant(people.planner);
    // An override's signer is a supervisor by the user directory (issue 17), never by the personnel record.
    await people.admin.ok('POST', '/v1/users', { userId: 'u-supervisor', name: 'Sam Jansen', roles: ['supervisor'] });
    await Promise.all(['u-supervisor', 'u-operator-2', 'u-planner'].map((u) => withPassword(mes, tenant, u, PASSWORD)));
    const person = (id: string, name: string, role: string) =>
      people.planner.ok('PUT', `/v1/personnel/${id}`, { name, roles: [role], qualifications: ['old free text'] });
    await Promise.all([
      person('u-operator', 'Olivia Bakker', 'operator'),
      person('u-operator-2', 'Otto Visser', 'operator'),
      person('u-supervisor', 'Sam Jansen', 'supervisor'),
      // A planner edits master data: making their own personnel record a supervisor's gives them no right to sign overrides.
      person('u-planner', 'Piet Planner', 'supervisor'),
    ]);
    const define = (id: string, body: unknown) => people.supervisor.ok('PUT', `/v1/qualifications/${id}`, body);
    await define('q-press', {
      name: 'Press operation',
      kind: 'skill',
      levels: [
        { level: 1, name: 'Trainee' },
        { level: 2, name: 'Operator' },
        { level: 3, name: 'Trainer' },
      ],
    });
    await define('q-leak', { name: 'Leak test certification', kind: 'certification', validityMonths: 12 });
    // The press requires the press skill at level 2 (the routing operation) and the leak certificate (the unit).
    await people.planner.ok('PUT', `/v1/equipment/wc-assembly`, {
      name: 'wc-assembly',
      level: 'workCenter',
      workCenterType: 'productionLine',
      parentId: PLANT.area,
      requiredQualifications: [{ qualificationId: 'q-leak' }],
    });
    await people.planner.ok('PUT', '/v1/routings/RT-PRESS', {
      materialId: PLANT.product,
      operations: [{ seq: 10, name: 'Press', workCenterId: 'wc-assembly', requiredQualifications: [{ qualificationId: 'q-press', minLevel: 2 }] }],
    });
  });
  after(() => mes?.stop());

  it('copies the requirements onto the operation at release, named', async () => {
    const id = await released('RT-PRESS');
    const order = await people.operator.ok('GET', `/v1/work-orders/${id}`);
    assert.deepEqual(order.operations[0].qualifications, [
      { qualificationId: 'q-press', qualificationName: 'Press operation', minLevel: 2, source: 'operation' },
      { qualificationId: 'q-leak', qualificationName: 'Leak test certification', source: 'equipment wc-assembly' },
    ]);
  });

  it('refuses a start naming every missing qualification with its reason, and writes nothing', async () => {
    await grant('u-operator', [
      { qualificationId: 'q-press', level: 1, grantedAt: at(-400) },
      { qualificationId: 'q-leak', grantedAt: at(-400), expiresAt: at(-35) },
    ]);
    const id = await released('RT-PRESS');
    const before = await storedItems(tenant, id);
    const reply = await start(people.operator, id);
    assertProblem(reply, 409, { type: MISSING });
    assert.deepEqual(reply.body.missing, [
      {
        personnelId: 'u-operator',
        personName: 'Olivia Bakker',
        qualificationId: 'q-press',
        qualificationName: 'Press operation',
        reason: 'level-too-low',
        requiredLevel: 2,
        heldLevel: 1,
      },
      {
        personnelId: 'u-operator',
        personName: 'Olivia Bakker',
        qualificationId: 'q-leak',
        qualificationName: 'Leak test certification',
        reason: 'expired',
        expiredAt: at(-35),
        heldLevel: 1,
      },
    ]);
    assert.match(reply.body.detail, /Olivia Bakker: Leak test certification expired on/);
    assert.deepEqual(await storedItems(tenant, id), before);
    // Someone who holds nothing: both missing.
    const none = await start(people.operator2, id);
    assertProblem(none, 409, { type: MISSING });
    assert.deepEqual(
      none.body.missing.map((m: { reason: string; personName: string }) => [m.personName, m.reason]),
      [
        ['Otto Visser', 'missing'],
        ['Otto Visser', 'missing'],
      ],
    );
  });

  it('starts for someone qualified, and without requirements reads no qualifications', async () => {
    await grant('u-operator-2', [
      { qualificationId: 'q-press', level: 3, grantedAt: at(-10) },
      { qualificationId: 'q-leak', grantedAt: at(-10) },
    ]);
    const id = await released('RT-PRESS');
    const ok = await start(people.operator2, id);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.operations[0].status, 'RUNNING');
    const quick = await released(PLANT.quickRouting);
    assert.equal((await start(people.operator, quick)).status, 200);
  });

  it('clocking a crew on passes the same gate: one unqualified person refuses the whole crew (409 naming them), writing nothing; an override lets them on', async () => {
    const id = await released('RT-PRESS');
    assert.equal((await start(people.operator2, id)).status, 200);
    const clockOn = (body: unknown) => people.supervisor.post(`/v1/work-orders/${id}/operations/10/clock-on`, body);
    const crew = { personnelIds: ['u-operator', 'u-operator-2'] };
    const refused = await clockOn(crew);
    assertProblem(refused, 409, { type: MISSING });
    assert.deepEqual(
      refused.body.missing.map((m: { personnelId: string; reason: string }) => [m.personnelId, m.reason]),
      [
        ['u-operator', 'level-too-low'],
        ['u-operator', 'expired'],
      ],
    );
    const onTheFloor = async () => (await people.supervisor.ok('GET', '/v1/labor/active')).people.map((p: { personnelId: string }) => p.personnelId);
    assert.deepEqual(await onTheFloor(), [], 'a refused clock-on put someone on the floor');

    const ok = await clockOn({
      ...crew,
      qualificationOverride: { reason: 'Otto works beside Olivia all shift', signature: { userId: 'u-supervisor', password: PASSWORD } },
    });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual((await onTheFloor()).sort(), ['u-operator', 'u-operator-2']);
    // Audited on the person who lacked something: the chained record's reason, the entry's signature and missing list, the events.
    const olivia = `${tenant}#LABOR#u-operator`;
    const [audit] = (await partitionItems(olivia, 'AUDIT#')).filter((a) => a.action === 'clock-on');
    assert.equal(audit?.reason, 'qualification override by Sam Jansen (u-supervisor): Otto works beside Olivia all shift');
    const [entry] = await partitionItems(olivia, 'E#');
    assert.equal(entry?.overriddenBy, 'u-supervisor');
    assert.ok(entry?.overrideSignatureId);
    assert.deepEqual(
      ((entry?.overrideMissing ?? []) as { reason: string }[]).map((m) => m.reason),
      ['level-too-low', 'expired'],
    );
    const events = await partitionItems(olivia, 'EVT#');
    const on = events.find((e) => e.type === 'labor.clocked-on') as { data: Record<string, unknown> } | undefined;
    assert.equal(on?.data.overrideSignatureId, entry?.overrideSignatureId);
    assert.equal(((on?.data.missing ?? []) as unknown[]).length, 2);
    const overridden = events.find((e) => e.type === 'qualification.overridden') as
      | { data: Record<string, unknown>; workOrderId: string }
      | undefined;
    assert.ok(overridden, 'the override event is in the person’s labor outbox');
    assert.equal(overridden.workOrderId, id);
    assert.equal(overridden.data.overriddenBy, 'u-supervisor');
    assert.equal(overridden.data.signatureId, entry?.overrideSignatureId);
    assert.equal(overridden.data.personnelId, 'u-operator');
    // Otto lacked nothing: his clock-on carries no override.
    const otto = `${tenant}#LABOR#u-operator-2`;
    assert.equal((await partitionItems(otto, 'AUDIT#')).find((a) => a.action === 'clock-on')?.reason, undefined);
    assert.equal(
      (await partitionItems(otto, 'EVT#')).some((e) => e.type === 'qualification.overridden'),
      false,
    );
  });

  it('a supervisor overrides with a reason and their signature: audited, with an event', async () => {
    const id = await released('RT-PRESS');
    const before = await storedItems(tenant, id);
    // An operator's signature, right password: not a supervisor (403); a wrong password: 401; nothing written.
    const byOperator = await start(people.operator, id, {
      qualificationOverride: { reason: 'urgent', signature: { userId: 'u-operator-2', password: PASSWORD } },
    });
    assertProblem(byOperator, 403, { type: 'urn:mes:problem:forbidden' });
    // A planner whose personnel record says supervisor: the user directory says planner (403).
    const byPlanner = await start(people.operator, id, {
      qualificationOverride: { reason: 'urgent', signature: { userId: 'u-planner', password: PASSWORD } },
    });
    assertProblem(byPlanner, 403, { type: 'urn:mes:problem:forbidden' });
    const wrong = await start(people.operator, id, {
      qualificationOverride: { reason: 'urgent', signature: { userId: 'u-supervisor', password: 'nope' } },
    });
    assertProblem(wrong, 401, { type: 'urn:mes:problem:signature-refused' });
    assert.deepEqual(await storedItems(tenant, id), before);

    const ok = await start(people.operator, id, {
      qualificationOverride: { reason: 'Sam watches the first ten parts', signature: { userId: 'u-supervisor', password: PASSWORD } },
    });
    assert.equal(ok.status, 200, ok.text);
    const override = ok.body.operations[0].qualificationOverride;
    assert.equal(override.by, 'u-supervisor');
    assert.equal(override.byName, 'Sam Jansen');
    assert.equal(override.reason, 'Sam watches the first ten parts');
    assert.equal(override.meaning, 'responsibility');
    assert.deepEqual(
      override.missing.map((m: { reason: string }) => m.reason),
      ['level-too-low', 'expired'],
    );
    const items = await storedItems(tenant, id);
    const audit = items.find((i) => String(i.sk).startsWith('AUDIT#') && i.action === 'operation.start');
    assert.match(String(audit?.reason), /qualification override by Sam Jansen \(u-supervisor\): Sam watches the first ten parts/);
    const event = items.find((i) => String(i.sk).startsWith('EVT#') && i.type === 'qualification.overridden') as
      | { data: Record<string, unknown> }
      | undefined;
    assert.ok(event, 'the override event is in the order outbox');
    assert.equal(event.data.overriddenBy, 'u-supervisor');
    assert.equal(event.data.by, 'u-operator');
  });

  it('a person’s set is versioned and every change a chained audit record', async () => {
    const first = await people.supervisor.ok('GET', '/v1/personnel/u-operator/qualifications');
    assert.equal(first.personName, 'Olivia Bakker');
    const next = await grant('u-operator', [...first.qualifications, { qualificationId: 'q-press', level: 2, grantedAt: at(0) }].slice(1));
    assert.equal(next.version, first.version + 1);
    const audits = await partitionItems(`${tenant}#PQUAL#u-operator`, 'AUDIT#');
    assert.equal(audits.length, next.version);
    assert.ok(audits.every((a) => a.chain === 'PQUAL#u-operator' && a.hash));
    // The free-text field of the personnel record is kept as it was (deprecated).
    assert.deepEqual((await people.planner.ok('GET', '/v1/personnel/u-operator')).qualifications, ['old free text']);
  });

  it('expiry: a grant runs out on the clock, shows as expiring ahead of time, then refuses', async () => {
    await grant('u-operator-2', [
      { qualificationId: 'q-press', level: 3, grantedAt: at(-10) },
      { qualificationId: 'q-leak', grantedAt: at(-10), expiresAt: at(20) },
    ]);
    const soon = await people.supervisor.ok('GET', '/v1/qualifications/expiring?withinDays=30');
    const row = soon.items.find(
      (i: { personnelId: string; qualificationId: string }) => i.personnelId === 'u-operator-2' && i.qualificationId === 'q-leak',
    );
    assert.deepEqual(row, {
      personnelId: 'u-operator-2',
      personName: 'Otto Visser',
      qualificationId: 'q-leak',
      qualificationName: 'Leak test certification',
      expiresAt: at(20),
      expired: false,
    });
    assert.ok(
      soon.items.every((a: { expiresAt: string }, i: number) => i === 0 || soon.items[i - 1].expiresAt <= a.expiresAt),
      'soonest first',
    );
    assert.equal(
      (await people.supervisor.ok('GET', '/v1/qualifications/expiring?withinDays=5')).items.some(
        (i: { personnelId: string }) => i.personnelId === 'u-operator-2',
      ),
      false,
    );
    assertProblem(await people.operator.get('/v1/qualifications/expiring'), 403);
    const id = await released('RT-PRESS');
    await clock.advance(21 * DAY);
    const later = await staff(mes, tenant);
    const refused = await start(later.operator2, id);
    assertProblem(refused, 409, { type: MISSING });
    assert.deepEqual(
      refused.body.missing.map((m: { reason: string; expiredAt: string }) => [m.reason, m.expiredAt]),
      [['expired', at(20)]],
    );
    const expired = await later.supervisor.ok('GET', '/v1/qualifications/expiring?withinDays=0');
    assert.ok(expired.items.some((i: { personnelId: string; expired: boolean }) => i.personnelId === 'u-operator-2' && i.expired));
    people = later;
  });

  it('times given with an offset are stored in UTC: an expiry of +02:00 an hour ago has passed', async () => {
    await people.planner.ok('PUT', '/v1/personnel/u-zone', { name: 'Zoë Smit', roles: ['operator'] });
    const now = clock.now().getTime();
    // An hour ago, written in +02:00 wall time: as text it sorts after now.
    const plus2 = (ms: number) => `${new Date(ms + 2 * 3_600_000).toISOString().slice(0, 19)}+02:00`;
    const set = await grant('u-zone', [
      { qualificationId: 'q-press', level: 3, grantedAt: plus2(now - 100 * DAY) },
      { qualificationId: 'q-leak', grantedAt: plus2(now - 100 * DAY), expiresAt: plus2(now - 3_600_000) },
    ]);
    assert.deepEqual(
      set.qualifications.map((q: { grantedAt: string; expiresAt?: string }) => [q.grantedAt, q.expiresAt]),
      [
        [new Date(now - 100 * DAY).toISOString(), undefined],
        [new Date(now - 100 * DAY).toISOString(), new Date(now - 3_600_000).toISOString()],
      ],
    );
    const id = await released('RT-PRESS');
    const refused = await people.supervisor.post(`/v1/work-orders/${id}/operations/10/clock-on`, { personnelIds: ['u-zone'], kind: 'setup' });
    assertProblem(refused, 409, { type: MISSING });
    assert.deepEqual(
      refused.body.missing.map((m: { qualificationId: string; reason: string }) => [m.qualificationId, m.reason]),
      [['q-leak', 'expired']],
    );
  });

  it('a validity in months gives the expiry when the grant names none', async () => {
    const set = await grant('u-supervisor', [{ qualificationId: 'q-leak', grantedAt: '2030-01-15T00:00:00.000Z' }]);
    assert.equal(set.qualifications[0].expiresAt, '2031-01-15T00:00:00.000Z');
  });

  it('training on a controlled document: operations using its new version need the training for that version', async () => {
    await withPassword(mes, tenant, 'u-quality', PASSWORD);
    const release = async (body: string) => {
      const put = await people.planner.ok('PUT', '/v1/documents/WI-PRESS', { title: 'Press work instruction', kind: 'work-instruction', body });
      const v = put.document.version;
      await people.planner.ok('POST', `/v1/documents/WI-PRESS/versions/${v}/submit`, {});
      await people.quality.ok('POST', `/v1/documents/WI-PRESS/versions/${v}/approve`, {
        userId: 'u-quality',
        password: PASSWORD,
        meaning: 'approval',
      });
      return v as number;
    };
    const v1 = await release('1. Clamp the part.');
    await people.supervisor.ok('PUT', '/v1/qualifications/q-wi-press', {
      name: 'Press instruction training',
      kind: 'training',
      documentId: 'WI-PRESS',
    });
    await people.planner.ok('PUT', '/v1/routings/RT-DOC', {
      materialId: PLANT.product,
      operations: [{ seq: 10, name: 'Press by the book', workCenterId: 'wc-pack', documentIds: ['WI-PRESS'] }],
    });
    await grant('u-operator', [{ qualificationId: 'q-wi-press', grantedAt: at(0), documentVersion: v1 }]);
    const first = await released('RT-DOC');
    assert.equal((await start(people.operator, first)).status, 200);
    const v2 = await release('1. Clamp the part.\n2. Check the clamp pressure.');
    await clock.advance(1000);
    const second = await released('RT-DOC');
    const refused = await start(people.operator, second);
    assertProblem(refused, 409, { type: MISSING });
    assert.deepEqual(refused.body.missing[0], {
      personnelId: 'u-operator',
      personName: 'Olivia Bakker',
      qualificationId: 'q-wi-press',
      qualificationName: 'Press instruction training',
      reason: 'training-required',
      documentId: 'WI-PRESS',
      documentVersion: v2,
    });
    await grant('u-operator', [{ qualificationId: 'q-wi-press', grantedAt: at(0), documentVersion: v2 }]);
    assert.equal((await start(people.operator, second)).status, 200);
  });

  it("another plant's qualifications and people are a 404; bad input is refused at its field, writing nothing", async () => {
    const other = await as(mes, newTenant(), 'u-admin-b', ['admin']);
    assertProblem(await other.get('/v1/qualifications/q-press'), 404);
    assertProblem(await other.get('/v1/personnel/u-operator/qualifications'), 404);
    assertProblem(await other.put('/v1/personnel/u-operator/qualifications', { qualifications: [] }), 404);
    assert.equal((await other.get('/v1/qualifications/expiring')).body.items.length, 0);

    const before = await partitionItems(`${tenant}#PQUAL`);
    const bad = (body: unknown) => people.supervisor.put('/v1/personnel/u-operator/qualifications', body);
    assertProblem(await bad({ qualifications: [{ qualificationId: 'q-nope', grantedAt: at(0) }] }), 422, {
      pointers: ['/body/qualifications/0/qualificationId'],
    });
    assertProblem(await bad({ qualifications: [{ qualificationId: 'q-press', level: 4, grantedAt: at(0) }] }), 422, {
      pointers: ['/body/qualifications/0/level'],
    });
    assertProblem(await bad({ qualifications: [{ qualificationId: 'q-press' }] }), 400, { pointers: ['/body/qualifications/0/grantedAt'] });
    assertProblem(await bad({ qualifications: [{ qualificationId: 'q-leak', grantedAt: at(0), expiresAt: at(-1) }] }), 400, {
      pointers: ['/body/qualifications/0/expiresAt'],
    });
    assertProblem(await people.operator.put('/v1/personnel/u-operator/qualifications', { qualifications: [] }), 403);
    assertProblem(await people.supervisor.put('/v1/qualifications/q-x', { name: 'X', kind: 'hobby' }), 400, { pointers: ['/body/kind'] });
    assertProblem(await people.supervisor.put('/v1/qualifications/expiring', { name: 'X', kind: 'skill' }), 400, { pointers: ['/path/id'] });
    assertProblem(await people.supervisor.put('/v1/personnel/nobody/qualifications', { qualifications: [] }), 404);
    assert.deepEqual(await partitionItems(`${tenant}#PQUAL`), before);
    // An override without a reason is refused at its field.
    const id = await released('RT-PRESS');
    assertProblem(
      await start(people.operator2, id, { qualificationOverride: { reason: '', signature: { userId: 'u-supervisor', password: PASSWORD } } }),
      400,
      {
        pointers: ['/body/qualificationOverride/reason'],
      },
    );
  });
});

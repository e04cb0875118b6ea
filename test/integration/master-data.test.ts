/**
 * Master data over HTTP, the same contract for every kind: PUT creates (version 1) and
 * replaces (version 2, fields left out are gone), GET reads what PUT answered, lists page,
 * If-Match guards against lost updates, and an invalid body is named field by field and
 * writes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Mes, PROBLEM, type Staff, allPages, assertProblem, newTenant, staff, startMes } from '../e2e/support/mes.ts';

interface Kind {
  resource: string;
  /** A valid body. */
  create: Record<string, unknown>;
  /** A valid replacement that leaves out an optional field of `create`. */
  replace: Record<string, unknown>;
  dropped: string;
  /** Invalid bodies and the pointers each must name. */
  invalid: [Record<string, unknown>, string[]][];
}

const KINDS: Kind[] = [
  {
    resource: 'equipment',
    create: { name: 'Line 1', level: 'workCenter', workCenterType: 'productionLine', parentId: 'area-1', description: 'the old line' },
    replace: { name: 'Line 1 (rebuilt)', level: 'workCenter', workCenterType: 'workCell', parentId: 'area-1' },
    dropped: 'description',
    invalid: [
      [
        { name: '', level: 'plant', workCenterType: 'line', parentId: 'has space' },
        ['/body/name', '/body/level', '/body/workCenterType', '/body/parentId'],
      ],
      [{ level: 'site' }, ['/body/name']],
    ],
  },
  {
    resource: 'materials',
    create: { name: 'Steel sheet', uom: 'KGM', materialType: 'raw', materialClass: 'metal', description: 'S235' },
    replace: { name: 'Steel sheet 2 mm', uom: 'KGM', materialType: 'raw' },
    dropped: 'materialClass',
    invalid: [[{ uom: 'x'.repeat(21), materialType: 'gold' }, ['/body/name', '/body/uom', '/body/materialType']]],
  },
  {
    resource: 'boms',
    create: { materialId: 'FG-1', baseQuantity: 2, components: [{ materialId: 'RM-1', quantityPer: 1.5, uom: 'KGM', operationSeq: 10 }] },
    replace: { materialId: 'FG-1', components: [{ materialId: 'RM-2', quantityPer: 3, operationSeq: 20 }] },
    dropped: 'none',
    invalid: [
      [{ materialId: 'FG-1', components: [] }, ['/body/components']],
      [
        { components: [{ materialId: 'RM-1', quantityPer: 0, operationSeq: 1.5 }], baseQuantity: -1 },
        ['/body/materialId', '/body/baseQuantity', '/body/components/0/quantityPer', '/body/components/0/operationSeq'],
      ],
    ],
  },
  {
    resource: 'routings',
    create: {
      materialId: 'FG-1',
      name: 'Make FG-1',
      operations: [{ seq: 10, name: 'Cut', workCenterId: 'wc-1', dataToRecord: [{ name: 'length', type: 'number', unit: 'mm' }] }],
    },
    replace: {
      materialId: 'FG-1',
      operations: [
        { seq: 10, name: 'Cut', workCenterId: 'wc-2' },
        { seq: 20, name: 'Deburr', workCenterId: 'wc-2' },
      ],
    },
    dropped: 'name',
    invalid: [
      [
        {
          materialId: 'FG-1',
          operations: [{ seq: 0, name: 'Cut', dataToRecord: [{ name: '1st', type: 'date' }], standardTimeSeconds: -1 }],
        },
        [
          '/body/operations/0/seq',
          '/body/operations/0/workCenterId',
          '/body/operations/0/standardTimeSeconds',
          '/body/operations/0/dataToRecord/0/name',
          '/body/operations/0/dataToRecord/0/type',
        ],
      ],
      [
        {
          materialId: 'FG-1',
          operations: [
            { seq: 10, name: 'A', workCenterId: 'wc-1' },
            { seq: 10, name: 'B', workCenterId: 'wc-1' },
          ],
        },
        ['/body/operations'],
      ],
      [{ materialId: 'FG-1', operations: [] }, ['/body/operations']],
    ],
  },
  {
    resource: 'personnel',
    create: { name: 'Olivia', roles: ['operator'], personnelClass: 'assembly', qualifications: ['leak-test'] },
    replace: { name: 'Olivia B.', roles: ['operator', 'quality'], active: false },
    dropped: 'personnelClass',
    invalid: [
      [{ name: 'Olivia', roles: [] }, ['/body/roles']],
      [{ name: 'Olivia', roles: ['boss'], active: 'yes' }, ['/body/roles/0', '/body/active']],
    ],
  },
];

/** What the server adds when a body leaves them out. */
const DEFAULTS: Record<string, (body: Record<string, unknown>) => Record<string, unknown>> = {
  boms: (b) => ({ baseQuantity: 1, ...b }),
  routings: (b) => ({
    ...b,
    operations: (b.operations as Record<string, unknown>[]).map((o) => ({
      standardTimeSeconds: 0,
      setupTimeSeconds: 0,
      instructions: '',
      ...o,
      dataToRecord: ((o.dataToRecord as Record<string, unknown>[] | undefined) ?? []).map((d) => ({ required: true, ...d })),
    })),
  }),
  personnel: (b) => ({ qualifications: [], active: true, ...b }),
};
const withDefaults = (resource: string, body: Record<string, unknown>) => (DEFAULTS[resource] ?? ((x) => x))(body);

describe('master data', () => {
  let mes: Mes;
  let people: Staff;

  before(async () => {
    mes = await startMes();
    people = await staff(mes, newTenant());
  });
  after(async () => {
    await mes?.stop();
  });

  for (const kind of KINDS) {
    describe(kind.resource, () => {
      const path = (id: string) => `/v1/${kind.resource}/${id}`;

      it('creates with PUT (version 1), replaces with PUT (version 2) and reads back what PUT answered', async () => {
        // Act: create
        const created = await people.planner.put(path('rec-1'), kind.create);

        // Assess
        assert.equal(created.status, 200, created.text);
        assert.equal(created.headers.get('etag'), '"1"');
        const { version, updatedAt, updatedBy, ...fields } = created.body;
        assert.deepEqual(fields, { id: 'rec-1', ...withDefaults(kind.resource, kind.create) });
        assert.deepEqual([version, updatedBy], [1, 'u-planner']);
        assert.ok(!Number.isNaN(Date.parse(updatedAt)));
        const read = await people.operator.get(path('rec-1'));
        assert.equal(read.status, 200);
        assert.deepEqual(read.body, created.body);
        assert.equal(read.headers.get('etag'), '"1"');

        // Act: replace, as someone else
        const replaced = await people.integration.put(path('rec-1'), kind.replace);

        // Assess: the whole record is replaced, not merged
        assert.equal(replaced.status, 200, replaced.text);
        assert.equal(replaced.body.version, 2);
        assert.equal(replaced.body.updatedBy, 'u-integration');
        assert.equal(replaced.headers.get('etag'), '"2"');
        const reread = await people.quality.get(path('rec-1'));
        assert.deepEqual(reread.body, replaced.body);
        const { version: _v, updatedAt: _u, updatedBy: _b, ...replacedFields } = reread.body;
        assert.deepEqual(replacedFields, { id: 'rec-1', ...withDefaults(kind.resource, kind.replace) });
        if (kind.dropped !== 'none') assert.equal(reread.body[kind.dropped], undefined, `${kind.dropped} left out, so gone`);
      });

      it('refuses a stale If-Match with 409 and writes nothing; the current one goes through', async () => {
        // Prepare: version 2
        await people.planner.ok('PUT', path('rec-2'), kind.create);
        const current = await people.planner.ok('PUT', path('rec-2'), kind.replace);

        // Act
        const stale = await people.planner.put(path('rec-2'), kind.create, { 'if-match': '"1"' });
        const notYet = await people.planner.put(path('rec-new'), kind.create, { 'if-match': '"1"' });

        // Assess
        assertProblem(stale, 409, { type: PROBLEM.staleVersion });
        assert.deepEqual((await people.planner.get(path('rec-2'))).body, current);
        assertProblem(notYet, 409, { type: PROBLEM.staleVersion });
        assertProblem(await people.planner.get(path('rec-new')), 404);
        const fresh = await people.planner.put(path('rec-2'), kind.create, { 'if-match': '"2"' });
        assert.equal(fresh.status, 200, fresh.text);
        assert.equal(fresh.body.version, 3);
      });

      it('lets exactly one of two create-only PUTs (If-Match "0") at once win', async () => {
        const replies = await Promise.all([people.planner, people.admin].map((who) => who.put(path('rec-race'), kind.create, { 'if-match': '"0"' })));

        assert.deepEqual(replies.map((r) => r.status).sort(), [200, 409], replies.map((r) => r.text).join('\n'));
        assertProblem(replies.find((r) => r.status === 409)!, 409, { type: PROBLEM.staleVersion });
        assert.equal((await people.planner.get(path('rec-race'))).body.version, 1);
      });

      it('never loses an update when two PUTs without If-Match meet: each success has its own version', async () => {
        const replies = await Promise.all([people.planner.put(path('rec-race-2'), kind.create), people.admin.put(path('rec-race-2'), kind.replace)]);

        const ok = replies.filter((r) => r.status === 200);
        for (const r of replies.filter((r) => r.status !== 200)) assertProblem(r, 409, { type: PROBLEM.staleVersion });
        assert.ok(ok.length >= 1);
        assert.deepEqual(
          ok.map((r) => r.body.version).sort(),
          ok.map((_, i) => i + 1),
          'versions 1..n, none written twice',
        );
        const stored = (await people.planner.get(path('rec-race-2'))).body;
        assert.equal(stored.version, ok.length);
        assert.deepEqual(stored, ok.find((r) => r.body.version === ok.length)?.body, 'the last success is what is stored');
      });

      it('refuses invalid bodies with 400 naming each bad field, and writes nothing', async () => {
        await people.planner.ok('PUT', path('rec-3'), kind.create);
        const stored = (await people.planner.get(path('rec-3'))).body;

        for (const [body, pointers] of kind.invalid) {
          const replace = await people.planner.put(path('rec-3'), body);
          const create = await people.planner.put(path('rec-invalid'), body);

          assertProblem(replace, 400, { type: PROBLEM.invalidInput, pointers });
          assert.equal(replace.body.errors.length, pointers.length, replace.text);
          assertProblem(create, 400, { pointers });
        }
        assert.deepEqual((await people.planner.get(path('rec-3'))).body, stored);
        assertProblem(await people.planner.get(path('rec-invalid')), 404);
        assertProblem(await people.planner.put(path('-bad-id'), kind.create), 400, { pointers: ['/path/id'] });
      });

      it('lists every record a page at a time', async () => {
        const ids = (await allPages<{ id: string }>(people.planner, `/v1/${kind.resource}`)).map((r) => r.id);
        const more = ['page-a', 'page-b', 'page-c'];
        await Promise.all(more.map((id) => people.planner.ok('PUT', path(id), kind.create)));

        const first = await people.operator.get(`/v1/${kind.resource}?limit=2`);
        const all = await allPages<{ id: string; version: number }>(people.operator, `/v1/${kind.resource}`, 2);

        assert.equal(first.body.items.length, 2);
        assert.ok(first.body.nextCursor);
        assert.deepEqual(all.map((r) => r.id).sort(), [...ids, ...more].sort());
        for (const record of all) assert.deepEqual(record, (await people.operator.get(path(record.id))).body, 'a list item is the record');
      });
    });
  }

  describe('tenant settings', () => {
    it('are not found until an admin saves them, then versioned like any record', async () => {
      const own = await staff(mes, newTenant());
      assertProblem(await own.operator.get('/v1/tenant-settings'), 404, { type: PROBLEM.notFound });

      const created = await own.admin.put('/v1/tenant-settings', { overrunTolerancePct: 5 });
      assert.equal(created.status, 200, created.text);
      assert.deepEqual([created.body.overrunTolerancePct, created.body.version, created.body.id], [5, 1, undefined]);
      assert.deepEqual((await own.operator.get('/v1/tenant-settings')).body, created.body);

      const replaced = await own.admin.put('/v1/tenant-settings', { overrunTolerancePct: 2.5 }, { 'if-match': '"1"' });
      assert.equal(replaced.body.version, 2);
      assertProblem(await own.admin.put('/v1/tenant-settings', { overrunTolerancePct: 9 }, { 'if-match': '"1"' }), 409, {
        type: PROBLEM.staleVersion,
      });
      for (const [body, pointer] of [
        [{ overrunTolerancePct: 101 }, '/body/overrunTolerancePct'],
        [{ overrunTolerancePct: -1 }, '/body/overrunTolerancePct'],
        [{}, '/body/overrunTolerancePct'],
      ] as const) {
        assertProblem(await own.admin.put('/v1/tenant-settings', body), 400, { pointers: [pointer] });
      }
      assert.deepEqual((await own.operator.get('/v1/tenant-settings')).body, replaced.body, 'refusals wrote nothing');
    });
  });
});

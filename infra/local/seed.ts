/**
 * The demo plant for tenant `demo`, seeded through the public HTTP API with the role each step
 * needs (planner: master data and orders; supervisor: release and hold; operator: shop floor
 * work), so the seed exercises the same path as a user and never goes around the domain.
 *
 * Marker: work order WO-0999 in state CLOSED, the last thing the seed does. (Tenant settings
 * would be the obvious marker, but orders copy the overrun tolerance from them at release, so
 * the settings must come first.) A seed cut short is finished on the next start: master data
 * PUTs are idempotent and each work order step checks the order's current state first.
 */
import { DEFAULT_REASON_LISTS } from '../../shared/domain/master-data/reason-lists.ts';
import type { Role } from '../../shared/domain/roles.ts';
import type { Operation, WorkOrderDetail } from '../../shared/api/schemas.ts';
import { LOCAL_ONLY_PATHS } from '../../shared/api/routes.ts';
import type { Log } from './http-server.ts';
import { DEMO_PASSWORD } from './passwords.ts';
import type { TokenRequest } from './identity.ts';
import type { TelemetryEnvelope } from '../../shared/telemetry/messages.ts';
import { thingName } from '../../shared/telemetry/device-identity.ts';

export const DEMO_TENANT = 'demo';
/** The gateway the demo plant's packing line reports through (its units' `gatewayId`). */
export const DEMO_GATEWAY = 'gw-pack-1';
/** The last order the seed finishes (see the header). */
export const SEED_MARKER_ORDER = 'WO-0999';
/**
 * The demo's signed batch record (issue 16, docs/batch-record.md): five valves made and closed,
 * reviewed by the supervisor persona and approved by the quality persona, and so released.
 */
export const SIGNED_DEMO_ORDER = 'WO-0997';
/** The personas' signing passwords in the local identity provider (demo only). */
export const DEMO_PASSWORDS = { supervisor: 'sam-signs-batch-records', quality: 'quinn-approves-batch-records' } as const;

export const DEMO_USERS = {
  planner: { userId: 'p-anna', name: 'Anna de Vries', roles: ['planner'] },
  supervisor: { userId: 'p-sam', name: 'Sam Jansen', roles: ['supervisor'] },
  operator: { userId: 'p-olivia', name: 'Olivia Bakker', roles: ['operator'] },
  admin: { userId: 'p-admin', name: 'Plant Admin', roles: ['admin'] },
  quality: { userId: 'p-quinn', name: 'Quinn Smit', roles: ['quality'] },
  // Issue 18: a technician, who works the maintenance queue.
  maintenance: { userId: 'p-tess', name: 'Tess de Wit', roles: ['maintenance'] },
} as const satisfies Record<string, { userId: string; name: string; roles: readonly Role[] }>;
type Persona = keyof typeof DEMO_USERS;

export interface SeedResult {
  seeded: boolean;
  detail: string;
}

interface SeedTarget {
  baseUrl: string;
  issueToken(request: TokenRequest): Promise<string>;
  /** Machine data as the IoT rules hand it on (the ingest core in-process): a demo stop to raise maintenance from (issue 18). */
  ingestTelemetry?(envelopes: TelemetryEnvelope[]): Promise<void>;
}

export class SeedError extends Error {
  override name = 'SeedError';
}

export async function seedDemoPlant(target: SeedTarget, log: Log): Promise<SeedResult> {
  const api = await client(target);
  const marker = await api.call('planner', 'GET', `/v1/work-orders/${SEED_MARKER_ORDER}`);
  if (marker.status === 200 && (marker.body as WorkOrderDetail).status === 'CLOSED') return { seeded: false, detail: 'demo plant already seeded' };
  if (marker.status !== 200 && marker.status !== 404) {
    const detail = `not seeding the demo plant: GET /v1/work-orders/${SEED_MARKER_ORDER} answered ${marker.status} ${problemDetail(marker.body)}`;
    log.error(detail);
    return { seeded: false, detail };
  }
  try {
    const settings = await api.call('admin', 'GET', '/v1/tenant-settings');
    if (settings.status === 404) await api.expect('admin', 'PUT', '/v1/tenant-settings', { overrunTolerancePct: 5 }, [200, 201]);
    // Inspection plans are quality's; the rest of the master data the planner's.
    for (const [path, body] of masterData())
      await api.expect(path.startsWith('/v1/inspection-plans/') ? 'quality' : 'planner', 'PUT', path, body, [200, 201]);
    const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();
    // Issue 16: the routings' operations point to approved work instructions once they are in force.
    if (await seedDocuments(api, log)) for (const [path, body] of documentedRoutings()) await api.expect('planner', 'PUT', path, body, [200]);
    for (const lot of demoLots(days)) await receiveLot(api, lot);
    for (const plan of workOrderPlans(days)) {
      await driveWorkOrder(api, plan);
      if (plan.create.id === SIGNED_DEMO_ORDER) await signDemoRecord(api, target, log);
    }
    await seedLabor(api);
    await supervisorSigns(api, target);
    await seedQualifications(api, days);
    await seedMaintenance(api, target);
  } catch (error) {
    // The API still runs without demo data; the next start finishes the seed.
    const detail = `seeding the demo plant stopped: ${(error as Error).message}`;
    log.error(detail);
    return { seeded: false, detail };
  }
  return { seeded: true, detail: 'demo plant seeded' };
}

type Api = Awaited<ReturnType<typeof client>>;

async function client(target: SeedTarget) {
  const tokens = Object.fromEntries(
    await Promise.all(
      Object.entries(DEMO_USERS).map(async ([persona, user]) => [persona, await target.issueToken({ tenantId: DEMO_TENANT, ...user })]),
    ),
  ) as Record<Persona, string>;

  const call = async (as: Persona, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${target.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[as]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const expect = async (as: Persona, method: string, path: string, body: unknown, ok: number[], headers?: Record<string, string>) => {
    const res = await call(as, method, path, body, headers);
    if (!ok.includes(res.status)) throw new SeedError(`${method} ${path} as ${as} answered ${res.status} ${problemDetail(res.body)}`);
    return res.body;
  };
  return { call, expect };
}

const problemDetail = (body: unknown) => {
  const p = body as { title?: string; detail?: string; errors?: unknown } | undefined;
  return [p?.title, p?.detail, p?.errors ? JSON.stringify(p.errors) : undefined].filter(Boolean).join(': ');
};

// ---------- The plant ----------

function masterData(): [string, unknown][] {
  const equipment = (
    id: string,
    name: string,
    level: string,
    parentId?: string,
    workCenterType?: string,
    idealCycleTimeSeconds?: number,
    gatewayId?: string,
  ) =>
    [
      `/v1/equipment/${id}`,
      {
        name,
        level,
        ...(parentId ? { parentId } : {}),
        ...(workCenterType ? { workCenterType } : {}),
        ...(idealCycleTimeSeconds ? { idealCycleTimeSeconds } : {}),
        ...(gatewayId ? { gatewayId } : {}),
      },
    ] as [string, unknown];
  // Units by their UN/ECE Rec 20 codes (shared/domain/master-data/units.ts): pieces, or kilograms.
  const material = (id: string, name: string, materialType: string, uom = 'EA', tracking: Record<string, unknown> = {}) =>
    [`/v1/materials/${id}`, { name, uom, materialType, ...tracking }] as [string, unknown];
  // Issue 14: the pump is made with a serial number each; its housing, impeller, motor and grease come in supplier lots.
  const byLot = (shelfLifeDays?: number) => ({ tracking: 'lot', ...(shelfLifeDays ? { shelfLifeDays } : {}) });
  const person = (id: string, name: string, roles: Role[], qualifications: string[] = []) =>
    [`/v1/personnel/${id}`, { name, roles, qualifications }] as [string, unknown];

  return [
    equipment('plant-1', 'Demo Plant', 'site'),
    equipment('area-assembly', 'Assembly', 'area', 'plant-1'),
    equipment('area-packaging', 'Packaging', 'area', 'plant-1'),
    equipment('wc-line-1', 'Assembly Line 1', 'workCenter', 'area-assembly', 'productionLine'),
    equipment('wc-test-cell', 'Test Cell', 'workCenter', 'area-assembly', 'workCell'),
    equipment('wc-pack-1', 'Packing Line 1', 'workCenter', 'area-packaging', 'productionLine'),
    equipment('wu-press-1', 'Bearing Press 1', 'workUnit', 'wc-line-1', undefined, 6),
    equipment('wu-screw-1', 'Screwdriving Station 1', 'workUnit', 'wc-line-1', undefined, 12),
    equipment('wu-leak-tester-1', 'Leak Tester 1', 'workUnit', 'wc-test-cell', undefined, 30),
    // The packing line's PLCs report through one gateway (issue 13); the other units publish themselves.
    equipment('wu-labeler-1', 'Labeler 1', 'workUnit', 'wc-pack-1', undefined, 2, DEMO_GATEWAY),
    equipment('wu-cartoner-1', 'Cartoner 1', 'workUnit', 'wc-pack-1', undefined, 4, DEMO_GATEWAY),

    // OEE needs the plant's shifts and its downtime reasons (codes as the simulator sends them).
    [
      '/v1/shift-calendar',
      {
        timeZone: 'Europe/Amsterdam',
        shifts: [
          {
            name: 'Early',
            start: '06:00',
            end: '14:00',
            days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
            breaks: [{ start: '10:00', end: '10:30', name: 'Meal' }],
          },
          {
            name: 'Late',
            start: '14:00',
            end: '22:00',
            days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
            breaks: [{ start: '18:00', end: '18:30', name: 'Meal' }],
          },
          {
            name: 'Night',
            start: '22:00',
            end: '06:00',
            days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
            breaks: [{ start: '02:00', end: '02:30', name: 'Meal' }],
          },
        ],
        plannedStops: [],
        setupIsPlanned: false,
      },
    ],
    [
      '/v1/downtime-reasons',
      {
        reasons: [
          { code: 'BD', name: 'Breakdowns', loss: 'equipment-failure' },
          { code: 'BD-MOTOR', name: 'Motor failure', parentCode: 'BD' },
          { code: 'BD-SENSOR', name: 'Sensor fault', parentCode: 'BD' },
          { code: 'BD-JAM', name: 'Jam needing repair', parentCode: 'BD' },
          { code: 'BD-PNEUMATIC', name: 'Pneumatics', parentCode: 'BD' },
          { code: 'BD-TOOL', name: 'Tool broken', parentCode: 'BD' },
          { code: 'SU', name: 'Setup and adjustment', loss: 'setup-adjustment' },
          { code: 'SU-CHANGEOVER', name: 'Changeover', parentCode: 'SU' },
          { code: 'MS', name: 'Minor stops', loss: 'idling-minor-stops' },
          { code: 'MS-STARVED', name: 'Starved', parentCode: 'MS' },
          { code: 'MS-BLOCKED', name: 'Blocked', parentCode: 'MS' },
          { code: 'MS-JAM', name: 'Short jam', parentCode: 'MS' },
        ],
      },
    ],

    // The plant's scrap, pause and hold reasons: the defaults, and the plant's own where it has them.
    [
      '/v1/reason-lists/scrap',
      {
        reasons: [
          ...DEFAULT_REASON_LISTS.scrap.reasons,
          { code: 'STRIPPED-THREAD', name: 'Stripped thread', description: 'Screw thread damaged at screwdriving', active: true },
          { code: 'LEAK', name: 'Leak at test', description: 'Leak rate above the limit at the leak tester', active: true },
        ],
      },
    ],
    ['/v1/reason-lists/pause', DEFAULT_REASON_LISTS.pause],
    ['/v1/reason-lists/hold', DEFAULT_REASON_LISTS.hold],

    material('FG-PUMP-100', 'Circulation pump P100', 'finished', 'EA', {
      tracking: 'serial',
      serialNumberPattern: 'P100-{YY}{MM}-{SEQ:5}',
      gtin: '08712345000011',
    }),
    material('FG-VALVE-20', 'Check valve V20', 'finished'),
    material('HSG-100', 'Pump housing, cast', 'intermediate', 'EA', byLot()),
    material('IMP-100', 'Impeller 100 mm', 'raw', 'EA', byLot()),
    material('MTR-100', 'Motor 0.25 kW', 'raw', 'EA', byLot()),
    material('SCR-M4X12', 'Screw M4x12', 'consumable'),
    material('BOX-100', 'Carton for P100', 'packaging'),
    material('GRS-10', 'Bearing grease', 'consumable', 'KGM', byLot(365)),
    // Issue 18: a spare part the maintenance demo uses.
    material('SPR-SEAL-1', 'Press ram seal (spare)', 'consumable'),

    [
      '/v1/boms/BOM-PUMP-100',
      {
        materialId: 'FG-PUMP-100',
        baseQuantity: 1,
        components: [
          { materialId: 'HSG-100', quantityPer: 1, operationSeq: 10 },
          { materialId: 'IMP-100', quantityPer: 1, operationSeq: 10 },
          { materialId: 'MTR-100', quantityPer: 1, operationSeq: 10 },
          { materialId: 'SCR-M4X12', quantityPer: 6, uom: 'EA', operationSeq: 10 },
          { materialId: 'GRS-10', quantityPer: 0.004, uom: 'KGM', operationSeq: 10, issue: 'backflush', tolerancePct: 10 },
          { materialId: 'BOX-100', quantityPer: 1, operationSeq: 30 },
        ],
      },
    ],
    [
      '/v1/routings/RT-PUMP-100',
      {
        materialId: 'FG-PUMP-100',
        name: 'Pump P100: assemble, test, pack',
        operations: [
          {
            seq: 10,
            name: 'Assemble pump',
            workCenterId: 'wc-line-1',
            standardTimeSeconds: 240,
            setupTimeSeconds: 900,
            instructions: 'Press the bearing into the housing, fit the impeller, mount the motor with six M4x12 screws in a cross pattern.',
            dataToRecord: [{ name: 'screwTorque', label: 'Motor screw torque', type: 'number', unit: 'Nm', min: 3.5, max: 4.5 }],
          },
          {
            seq: 20,
            name: 'Leak and performance test',
            workCenterId: 'wc-test-cell',
            standardTimeSeconds: 120,
            instructions: 'Clamp the pump on the tester, run program P100-LT, record the leak rate. Reject above 0.5 mbar/min.',
            dataToRecord: [
              { name: 'leakRate', label: 'Leak rate', type: 'number', unit: 'mbar/min', min: 0, max: 0.5 },
              { name: 'testPassed', label: 'Test passed', type: 'boolean' },
            ],
          },
          {
            seq: 30,
            name: 'Label and pack',
            workCenterId: 'wc-pack-1',
            standardTimeSeconds: 45,
            instructions: 'Apply the serial label, put the pump and the manual in carton BOX-100.',
            dataToRecord: [{ name: 'labelChecked', label: 'Label scanned and matches', type: 'boolean', required: false }],
          },
        ],
      },
    ],
    [
      '/v1/routings/RT-VALVE-20',
      {
        materialId: 'FG-VALVE-20',
        name: 'Valve V20: assemble, pack',
        operations: [
          {
            seq: 10,
            name: 'Assemble valve',
            workCenterId: 'wc-line-1',
            standardTimeSeconds: 60,
            setupTimeSeconds: 300,
            instructions: 'Insert the spring and the disc, screw in the seat to the stop.',
          },
          { seq: 20, name: 'Pack', workCenterId: 'wc-pack-1', standardTimeSeconds: 15, instructions: 'Bag the valve, 10 per carton.' },
        ],
      },
    ],

    [
      `/v1/inspection-plans/${VALVE_PLAN}`,
      {
        name: 'Valve V20 seat height and leak check',
        materialId: 'FG-VALVE-20',
        operationSeq: 10,
        routingId: 'RT-VALVE-20',
        characteristics: [
          { id: 'seat-height', name: 'Seat height', kind: 'variable', unit: 'mm', nominal: 12.5, lsl: 12.4, usl: 12.6 },
          {
            id: 'leak-check',
            name: 'Leak check at 6 bar',
            kind: 'attribute',
            defectCodes: [
              { code: 'LEAK', name: 'Bubbles at the seat' },
              { code: 'SCRATCH', name: 'Scratched disc' },
            ],
          },
        ],
        sampling: { kind: 'every-n', every: 20, sampleSize: 5 },
        onViolation: ['notify', 'nonconformance'],
      },
    ],

    person('p-anna', 'Anna de Vries', ['planner']),
    person('p-sam', 'Sam Jansen', ['supervisor']),
    person('p-olivia', 'Olivia Bakker', ['operator'], ['assembly', 'leak-test']),
    person('p-noah', 'Noah Visser', ['operator'], ['packing']),
    person('p-quinn', 'Quinn Smit', ['quality']),
    person('p-admin', 'Plant Admin', ['admin']),
    person('p-tess', 'Tess de Wit', ['maintenance']),
  ];
}

// ---------- Controlled documents (issue 16, docs/documents.md) ----------

/** Each routing operation's work instruction: document id, title, and its versions' bodies (the last one stays a draft when `draft`). */
const DEMO_DOCUMENTS: { id: string; title: string; ops: [string, number][]; versions: { body: string; changeNote?: string }[]; draft?: string }[] = [
  {
    id: 'WI-P100-ASSEMBLY',
    title: 'Assemble pump P100',
    ops: [['RT-PUMP-100', 10]],
    versions: [
      { body: '1. Press the bearing into the housing.\n2. Fit the impeller.\n3. Mount the motor with six M4x12 screws.' },
      {
        body: '1. Grease the bearing seat (a pea-sized dab of GRS-10).\n2. Press the bearing into the housing until it stops.\n3. Fit the impeller; turn it by hand: it must turn freely.\n4. Mount the motor with six M4x12 screws in a cross pattern, 4.0 Nm.',
        changeNote: 'Grease and torque added after NC-2026-00003',
      },
    ],
    draft:
      '1. Grease the bearing seat.\n2. Press the bearing in with fixture F-12.\n3. Fit the impeller; turn it by hand.\n4. Mount the motor, six M4x12 screws, cross pattern, 4.0 Nm.',
  },
  {
    id: 'WI-P100-TEST',
    title: 'Leak and performance test P100',
    ops: [['RT-PUMP-100', 20]],
    versions: [{ body: '1. Clamp the pump on the tester.\n2. Run program P100-LT.\n3. Record the leak rate; reject above 0.5 mbar/min.' }],
  },
  {
    id: 'WI-V20-ASSEMBLY',
    title: 'Assemble valve V20',
    ops: [['RT-VALVE-20', 10]],
    versions: [{ body: '1. Insert the spring and the disc.\n2. Screw in the seat to the stop.\n3. Check the seat height: 12.4 to 12.6 mm.' }],
  },
];

/**
 * Writes (planner), sends for review and approves (quality, signing) the demo's work
 * instructions; false when signing is not possible, so the routings keep naming none (a release
 * would otherwise be refused) and the rest of the demo still seeds.
 */
async function seedDocuments(api: Api, log: Log): Promise<boolean> {
  try {
    for (const doc of DEMO_DOCUMENTS) {
      const existing = await api.call('quality', 'GET', `/v1/documents/${doc.id}`);
      if (existing.status === 200 && (existing.body as { effectiveVersion?: number }).effectiveVersion) continue;
      for (const version of doc.versions) {
        const put = (await api.expect(
          'planner',
          'PUT',
          `/v1/documents/${doc.id}`,
          { title: doc.title, kind: 'work-instruction', ...version },
          [200],
        )) as {
          document: { version: number };
        };
        const v = put.document.version;
        await api.expect('planner', 'POST', `/v1/documents/${doc.id}/versions/${v}/submit`, {}, [200]);
        await api.expect(
          'quality',
          'POST',
          `/v1/documents/${doc.id}/versions/${v}/approve`,
          { userId: DEMO_USERS.quality.userId, password: DEMO_PASSWORD, meaning: 'approval', comment: 'Checked on the line' },
          [200],
        );
      }
      if (doc.draft)
        await api.expect(
          'planner',
          'PUT',
          `/v1/documents/${doc.id}`,
          { title: doc.title, kind: 'work-instruction', body: doc.draft, changeNote: 'New press-in fixture' },
          [200],
        );
    }
    return true;
  } catch (error) {
    log.error(`the demo's work instructions are not approved (${(error as Error).message}); its routings name none`);
    return false;
  }
}

/** The demo routings again, each operation naming its work instruction. */
function documentedRoutings(): [string, unknown][] {
  return masterData()
    .filter(([path]) => path.startsWith('/v1/routings/'))
    .map(([path, body]) => {
      const id = path.split('/').at(-1) as string;
      const routing = body as { operations: { seq: number }[] };
      return [
        path,
        {
          ...routing,
          operations: routing.operations.map((op) => {
            const docs = DEMO_DOCUMENTS.filter((d) => d.ops.some(([r, seq]) => r === id && seq === op.seq)).map((d) => d.id);
            return docs.length ? { ...op, documentIds: docs } : op;
          }),
        },
      ];
    });
}

// ---------- Work orders in several states ----------

interface Step {
  as: Persona;
  /** Path under /v1/work-orders/{id}/, or a path of its own (starting with /v1/). */
  action: string;
  /** The body, or what makes it when the step runs (a time that must be then). */
  body: unknown;
  /** Whether the step is still to do, judged from the order as it stands. */
  due(order: WorkOrderDetail): boolean;
}

interface WorkOrderPlan {
  create: { id: string; materialId: string; routingId: string; bomId?: string; quantity: number; dueDate: string; priority: number };
  steps: Step[];
}

const op = (order: WorkOrderDetail, seq: number): Operation | undefined => order.operations.find((o) => o.seq === seq);
const release: Step = { as: 'supervisor', action: 'release', body: {}, due: (o) => o.status === 'PLANNED' };
const start = (seq: number): Step => ({ as: 'operator', action: `operations/${seq}/start`, body: {}, due: (o) => op(o, seq)?.status === 'READY' });
const report = (seq: number, body: unknown): Step => ({
  as: 'operator',
  action: `operations/${seq}/report`,
  body,
  due: (o) => ['RUNNING', 'PAUSED'].includes(op(o, seq)?.status ?? '') && op(o, seq)?.goodQty === 0,
});
const complete = (seq: number, body: unknown): Step => ({
  as: 'operator',
  action: `operations/${seq}/complete`,
  body,
  due: (o) => ['RUNNING', 'PAUSED'].includes(op(o, seq)?.status ?? ''),
});
const hold = (reasonCode: string, comment: string): Step => ({
  as: 'supervisor',
  action: 'hold',
  body: { reasonCode, comment },
  due: (o) => ['RELEASED', 'IN_PROGRESS'].includes(o.status),
});
/** Consumes a lot at a running operation, unless the operation consumed from it already. */
const consume = (seq: number, lotId: string, quantity: number): Step => ({
  as: 'operator',
  action: `operations/${seq}/consume`,
  body: { lotId, quantity },
  due: (o) => ['RUNNING', 'PAUSED'].includes(op(o, seq)?.status ?? '') && !op(o, seq)?.consumed?.some((c) => c.node.id === lotId),
});
const close: Step = { as: 'supervisor', action: 'close', body: { comment: 'Reviewed and closed' }, due: (o) => o.status === 'COMPLETED' };

function workOrderPlans(days: (n: number) => string): WorkOrderPlan[] {
  const pump = { materialId: 'FG-PUMP-100', routingId: 'RT-PUMP-100', bomId: 'BOM-PUMP-100' };
  const valve = { materialId: 'FG-VALVE-20', routingId: 'RT-VALVE-20' };
  const makeValves = (qty: number) => [release, start(10), complete(10, { goodQty: qty }), start(20), complete(20, { goodQty: qty })];
  return [
    { create: { id: 'WO-1001', ...pump, quantity: 50, dueDate: days(10), priority: 500 }, steps: [] },
    // Released, ready to start: the bench's supervisor walks it (start, report 20, the seat-height inspection then due, complete).
    { create: { id: 'WO-1002', ...valve, quantity: 20, dueDate: days(4), priority: 300 }, steps: [release] },
    {
      create: { id: 'WO-1003', ...pump, quantity: 20, dueDate: days(2), priority: 100 },
      steps: [
        release,
        start(10),
        consume(10, 'HSG-100-L02', 9),
        consume(10, 'IMP-100-L01', 9),
        consume(10, 'MTR-100-L01', 9),
        report(10, { goodQty: 8, scrapQty: 1, scrapReasonCode: 'STRIPPED-THREAD', data: { screwTorque: 4.1 } }),
      ],
    },
    // Six pumps made and serialized, from two housing lots: something to trace both ways.
    {
      create: { id: 'WO-0998', ...pump, quantity: 6, dueDate: days(-1), priority: 200 },
      steps: [
        release,
        start(10),
        consume(10, 'HSG-100-L01', 4),
        consume(10, 'HSG-100-L02', 2),
        consume(10, 'IMP-100-L01', 6),
        consume(10, 'MTR-100-L01', 6),
        complete(10, { goodQty: 6, data: { screwTorque: 4 } }),
        start(20),
        complete(20, { goodQty: 6, data: { leakRate: 0.2, testPassed: true } }),
        start(30),
        complete(30, { goodQty: 6 }),
      ],
    },
    {
      create: { id: 'WO-1004', ...valve, quantity: 100, dueDate: days(5), priority: 400 },
      steps: [release, hold('QUALITY-SUSPECT', 'Seal supplier quality notice QN-2291: wait for the incoming inspection')],
    },
    { create: { id: 'WO-1005', ...valve, quantity: 10, dueDate: days(1), priority: 200 }, steps: makeValves(10) },
    // Valve history with the seat-height inspection (issue 15): 25 subgroups of 5; the limits frozen after 20; the last breaks rule 1.
    ...valveHistory(valve, days),
    { create: { id: SIGNED_DEMO_ORDER, ...valve, quantity: 5, dueDate: days(-2), priority: 200 }, steps: [...makeValves(5), close] },
    { create: { id: SEED_MARKER_ORDER, ...valve, quantity: 5, dueDate: days(-1), priority: 200 }, steps: [...makeValves(5), close] },
  ];
}

// ---------- Valve history with inspections and SPC (issue 15) ----------

const VALVE_PLAN = 'IP-V20-ASSY';
/** The seat height's chart: docs/quality.md and docs/spc.md show what it holds. */
export const DEMO_SPC_CHARACTERISTIC = `insp:${VALVE_PLAN}:seat-height`;
const HISTORY_ORDERS = ['WO-0990', 'WO-0991', 'WO-0992', 'WO-0993', 'WO-0994'];

/**
 * The seat heights of subgroup s (0..24), in mm: around 12.50 (Cpk about 1.6), a fixed
 * pattern so every fresh start draws the same chart; subgroup 24's mean is beyond the upper
 * control limit frozen from the first 20 (Nelson rule 1), still within the spec (12.4 to 12.6):
 * SPC sees the shift before a part fails.
 */
function seatHeights(s: number): number[] {
  // Not alternating (Nelson rule 4), never 9 on one side (rule 2), within 1 sigma mostly.
  const wobble = [0, 0.008, 0.012, -0.006, -0.012, 0.004, 0.01, -0.002, -0.01, 0.006];
  const base = s === 24 ? 12.55 : 12.5 + (wobble[s % wobble.length] ?? 0);
  return [0.024, -0.02, 0.008, -0.012, 0].map((d, i) => Number((base + d + ((s * 7 + i * 3) % 5) * 0.004 - 0.008).toFixed(3)));
}

const inspect = (orderId: string, seq: number, k: number, subgroup: number): Step => ({
  as: 'operator',
  action: `/v1/inspections/${orderId}~${seq}~${VALVE_PLAN}~${k}/results`,
  body: {
    results: [
      { characteristicId: 'seat-height', values: seatHeights(subgroup) },
      { characteristicId: 'leak-check', defectives: 0 },
    ],
  },
  due: (o) => (op(o, seq)?.inspectionProgress?.find((p) => p.planId === VALVE_PLAN)?.recorded ?? 0) < k,
});

/** Quality freezes the seat height's limits from the first 20 subgroups (once). */
const freezeSeatHeight = (from: string): Step => ({
  as: 'quality',
  action: `/v1/characteristics/${encodeURIComponent(DEMO_SPC_CHARACTERISTIC)}/baseline`,
  body: () => ({
    from,
    to: new Date().toISOString(),
    chart: 'xbar-r',
    reason: 'First 20 subgroups: process in control, limits frozen for monitoring',
  }),
  // Due at the fourth order's close: the 20 subgroups are in.
  due: (o) => o.status === 'COMPLETED',
});

/**
 * Five valve orders of 100 at the assembly line, each reported 20 at a time with the seat-height
 * inspection after each report. The first four are closed and the limits frozen from their 20
 * subgroups; the fifth's last inspection breaks rule 1, which opens a nonconformance on the order
 * (the plan says so) and holds it: quality has something to decide.
 */
function valveHistory(valve: { materialId: string; routingId: string }, days: (n: number) => string): WorkOrderPlan[] {
  const from = new Date(Date.now() - 60_000).toISOString();
  return HISTORY_ORDERS.map((id, i) => {
    const made: Step[] = [0, 1, 2, 3, 4].flatMap((j) => [
      {
        as: 'operator',
        action: 'operations/10/report',
        body: { goodQty: 20, scrapQty: 0 },
        due: (o: WorkOrderDetail) => ['RUNNING', 'PAUSED'].includes(op(o, 10)?.status ?? '') && (op(o, 10)?.goodQty ?? 0) < 20 * (j + 1),
      } satisfies Step,
      inspect(id, 10, j + 1, i * 5 + j),
    ]);
    const last = i === HISTORY_ORDERS.length - 1;
    return {
      create: { id, ...valve, quantity: 100, dueDate: days(i - 12), priority: 300 },
      steps: [
        release,
        start(10),
        ...made,
        ...(last
          ? []
          : [
              complete(10, { goodQty: 0, scrapQty: 0 }),
              start(20),
              complete(20, { goodQty: 100, scrapQty: 0 }),
              ...(i === 3 ? [freezeSeatHeight(from)] : []),
              close,
            ]),
      ],
    };
  });
}

// ---------- Supplier lots (issue 14) ----------

interface DemoLot {
  id: string;
  materialId: string;
  quantity: number;
  supplierId: string;
  supplierLot: string;
  expiresAt?: string;
  stagedAt?: string;
}

function demoLots(days: (n: number) => string): DemoLot[] {
  return [
    { id: 'HSG-100-L01', materialId: 'HSG-100', quantity: 4, supplierId: 'Gieterij Oost', supplierLot: 'GO-7781' },
    { id: 'HSG-100-L02', materialId: 'HSG-100', quantity: 60, supplierId: 'Gieterij Oost', supplierLot: 'GO-7790' },
    { id: 'IMP-100-L01', materialId: 'IMP-100', quantity: 80, supplierId: 'Rotor Parts BV', supplierLot: 'RP-24-118' },
    { id: 'MTR-100-L01', materialId: 'MTR-100', quantity: 40, supplierId: 'ElektroMotoren NL', supplierLot: 'EM-5521' },
    // Staged at the line: the assembly operation's reports backflush the grease from it.
    {
      id: 'GRS-10-L01',
      materialId: 'GRS-10',
      quantity: 5,
      supplierId: 'Lubrix',
      supplierLot: 'LX-0912',
      expiresAt: days(300),
      stagedAt: 'wc-line-1',
    },
  ];
}

async function receiveLot(api: Api, lot: DemoLot) {
  const existing = await api.call('supervisor', 'GET', `/v1/lots/${lot.id}`);
  if (existing.status === 200) return;
  await api.expect('supervisor', 'POST', '/v1/lots', lot, [200, 201], { 'idempotency-key': `seed-${lot.id}` });
}

async function driveWorkOrder(api: Api, plan: WorkOrderPlan) {
  const path = `/v1/work-orders/${plan.create.id}`;
  const existing = await api.call('planner', 'GET', path);
  let order = (
    existing.status === 200
      ? existing.body
      : await api.expect('planner', 'POST', '/v1/work-orders', plan.create, [200, 201], { 'idempotency-key': `seed-${plan.create.id}` })
  ) as WorkOrderDetail;
  for (const step of plan.steps) {
    if (!step.due(order)) continue;
    const body = typeof step.body === 'function' ? (step.body as () => unknown)() : step.body;
    if (step.action.startsWith('/v1/')) {
      await api.expect(step.as, 'POST', step.action, body, [200, 201]);
      order = (await api.expect('planner', 'GET', path, undefined, [200])) as WorkOrderDetail;
    } else order = (await api.expect(step.as, 'POST', `${path}/${step.action}`, body, [200])) as WorkOrderDetail;
  }
}

// ---------- The signed batch record (issue 16) ----------

/**
 * Gives the supervisor and quality personas their signing passwords in the local identity
 * provider, then signs SIGNED_DEMO_ORDER's record as review and approval (skipping a signature
 * already there, so a seed cut short finishes). Without the local identity provider's users
 * path (before i16-sign's part is in), the record is left unsigned and the seed goes on.
 */
async function signDemoRecord(api: Api, target: SeedTarget, log: Log) {
  const path = `/v1/work-orders/${SIGNED_DEMO_ORDER}`;
  const order = (await api.expect('planner', 'GET', path, undefined, [200])) as WorkOrderDetail & { recordReleasedAt?: string };
  if (order.recordReleasedAt) return;
  for (const persona of ['supervisor', 'quality'] as const) {
    const res = await fetch(`${target.baseUrl}${LOCAL_ONLY_PATHS.users}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: DEMO_TENANT, userId: DEMO_USERS[persona].userId, password: DEMO_PASSWORDS[persona] }),
    });
    if (res.status === 404) {
      log.info(`demo batch record ${SIGNED_DEMO_ORDER} left unsigned: the local identity provider keeps no passwords`);
      return;
    }
    if (!res.ok) throw new SeedError(`POST ${LOCAL_ONLY_PATHS.users} for ${persona} answered ${res.status}`);
  }
  const listed = (await api.expect('planner', 'GET', `${path}/signatures`, undefined, [200])) as {
    signatures: { meaning: string; valid: boolean }[];
  };
  const signatures = [
    ['supervisor', 'review', 'Production review: the deviations are explained'],
    ['quality', 'approval', 'Approved for release'],
  ] as const;
  for (const [persona, meaning, comment] of signatures) {
    if (listed.signatures.some((s) => s.valid && s.meaning === meaning)) continue;
    await api.expect(
      persona,
      'POST',
      `${path}/signatures`,
      { userId: DEMO_USERS[persona].userId, password: DEMO_PASSWORDS[persona], meaning, comment },
      [201],
    );
  }
}

// ---------- issue 18: labor (docs/labor.md) ----------

/**
 * A qualification override is signed by a supervisor whose role the user directory (issue 17)
 * says, never the personnel record: Sam is invited as one (once), then given his demo signing
 * password again (the invitation set a temporary one). Without the local identity provider's
 * users path nothing is done.
 */
async function supervisorSigns(api: Api, target: SeedTarget) {
  const sam = DEMO_USERS.supervisor;
  const invite = { userId: sam.userId, name: sam.name, roles: [...sam.roles], personnelId: sam.userId };
  const invited = await api.call('admin', 'POST', '/v1/users', invite);
  if (invited.status === 409) return;
  if (invited.status !== 201) throw new SeedError(`POST /v1/users for the supervisor answered ${invited.status} ${problemDetail(invited.body)}`);
  const res = await fetch(`${target.baseUrl}${LOCAL_ONLY_PATHS.users}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenantId: DEMO_TENANT, userId: sam.userId, password: DEMO_PASSWORDS.supervisor }),
  });
  if (!res.ok && res.status !== 404) throw new SeedError(`POST ${LOCAL_ONLY_PATHS.users} for the supervisor answered ${res.status}`);
}

/** The running pump order Olivia is on now (the demo's "On the floor"), and where Noah's finished entries are. */
const LABOR_ORDER = 'WO-1003';

/**
 * Labor through the API, as people book it: Noah set up and ran operation 10 of the running
 * pump order and went to a meeting (closed entries; they last as long as the seed took, seconds),
 * and Olivia is clocked on it now, so "On the floor" shows someone. Idempotent: a person who
 * has booked anything already is left alone.
 */
async function seedLabor(api: Api) {
  const booked = async (personnelId: string) => {
    const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const labor = (await api.expect(
      'supervisor',
      'GET',
      `/v1/personnel/${personnelId}/labor?from=${encodeURIComponent(from)}`,
      undefined,
      [200],
    )) as {
      entries: unknown[];
      open: unknown[];
    };
    return labor.entries.length + labor.open.length > 0;
  };
  const order = (await api.expect('planner', 'GET', `/v1/work-orders/${LABOR_ORDER}`, undefined, [200])) as WorkOrderDetail;
  if (op(order, 10)?.status !== 'RUNNING') return;
  const opPath = `/v1/work-orders/${LABOR_ORDER}/operations/10`;
  if (!(await booked('p-noah'))) {
    const noah = { personnelIds: ['p-noah'] };
    await api.expect('supervisor', 'POST', `${opPath}/clock-on`, { ...noah, kind: 'setup' }, [200]);
    await api.expect('supervisor', 'POST', `${opPath}/clock-off`, noah, [200]);
    await api.expect('supervisor', 'POST', `${opPath}/clock-on`, noah, [200]);
    await api.expect('supervisor', 'POST', `${opPath}/clock-off`, noah, [200]);
    await api.expect('supervisor', 'POST', '/v1/labor/indirect/clock-on', { ...noah, reasonCode: 'MEETING' }, [200]);
    await api.expect('supervisor', 'POST', '/v1/labor/indirect/clock-off', noah, [200]);
  }
  if (!(await booked('p-olivia'))) await api.expect('operator', 'POST', `${opPath}/clock-on`, {}, [200]);
}

// ---------- Qualifications (issue 18, docs/qualifications.md) ----------

/**
 * A few qualifications, requirements on the pump's assembly (the routing operation: press skill
 * level 2 and the torque wrench training) and on the test cell (the unit: the leak test
 * certificate), and the personas holding some: Olivia's torque wrench training expired a month
 * ago and her certificate runs out in 20 days, Noah's in 12. WO-1020 is released after the
 * requirements, so its operations carry them: Olivia starting its assembly is refused, and a
 * supervisor may override. Idempotent: every write is a PUT of the whole record, the order is
 * created once.
 */
async function seedQualifications(api: Api, days: (n: number) => string) {
  const put = (path: string, body: unknown) => api.expect('supervisor', 'PUT', path, body, [200]);
  const doc = (await api.call('quality', 'GET', '/v1/documents/WI-P100-ASSEMBLY')).body as { effectiveVersion?: number } | undefined;
  await put('/v1/qualifications/Q-PRESS', {
    name: 'Press operation',
    kind: 'skill',
    description: 'Runs the bearing press: set-up, first-part check, press-in.',
    levels: [
      { level: 1, name: 'Trainee' },
      { level: 2, name: 'Operator' },
      { level: 3, name: 'Trainer' },
    ],
  });
  await put('/v1/qualifications/Q-LEAK-CERT', { name: 'Leak test certification', kind: 'certification', validityMonths: 12 });
  await put('/v1/qualifications/Q-TORQUE', {
    name: 'Torque wrench',
    kind: 'training',
    description: 'Motor screws: cross pattern, 4.0 Nm, per the assembly work instruction.',
    validityMonths: 12,
    ...(doc?.effectiveVersion ? { documentId: 'WI-P100-ASSEMBLY' } : {}),
  });
  // The requirements: on the routing operation (press skill at level 2, the torque wrench) and on the test cell (the certificate).
  const strip = ({ id: _i, version: _v, updatedAt: _u, updatedBy: _b, ...rest }: Record<string, unknown>) => rest;
  const routing = strip((await api.expect('planner', 'GET', '/v1/routings/RT-PUMP-100', undefined, [200])) as Record<string, unknown>) as {
    operations: { seq: number }[];
  };
  const assembly = [{ qualificationId: 'Q-PRESS', minLevel: 2 }, { qualificationId: 'Q-TORQUE' }];
  await api.expect(
    'planner',
    'PUT',
    '/v1/routings/RT-PUMP-100',
    { ...routing, operations: routing.operations.map((o) => (o.seq === 10 ? { ...o, requiredQualifications: assembly } : o)) },
    [200],
  );
  const cell = strip((await api.expect('planner', 'GET', '/v1/equipment/wc-test-cell', undefined, [200])) as Record<string, unknown>);
  await api.expect('planner', 'PUT', '/v1/equipment/wc-test-cell', { ...cell, requiredQualifications: [{ qualificationId: 'Q-LEAK-CERT' }] }, [200]);
  const trained = doc?.effectiveVersion ? { documentVersion: doc.effectiveVersion } : {};
  await put('/v1/personnel/p-olivia/qualifications', {
    qualifications: [
      { qualificationId: 'Q-PRESS', level: 2, grantedAt: days(-400), evidence: 'Signed off after 40 supervised shifts' },
      { qualificationId: 'Q-TORQUE', grantedAt: days(-396), expiresAt: days(-31), ...trained, evidence: 'Trained by Sam Jansen' },
      { qualificationId: 'Q-LEAK-CERT', grantedAt: days(-345), expiresAt: days(20), evidence: 'Certificate LT-2025-117' },
    ],
  });
  await put('/v1/personnel/p-noah/qualifications', {
    qualifications: [
      { qualificationId: 'Q-PRESS', level: 1, grantedAt: days(-20) },
      { qualificationId: 'Q-LEAK-CERT', grantedAt: days(-353), expiresAt: days(12), evidence: 'Certificate LT-2025-142' },
    ],
  });
  await put('/v1/personnel/p-sam/qualifications', {
    qualifications: [
      { qualificationId: 'Q-PRESS', level: 3, grantedAt: days(-900) },
      { qualificationId: 'Q-TORQUE', grantedAt: days(-30), ...trained },
      { qualificationId: 'Q-LEAK-CERT', grantedAt: days(-100) },
    ],
  });
  await driveWorkOrder(api, {
    create: {
      id: 'WO-1020',
      materialId: 'FG-PUMP-100',
      routingId: 'RT-PUMP-100',
      bomId: 'BOM-PUMP-100',
      quantity: 10,
      dueDate: days(3),
      priority: 400,
    },
    steps: [release],
  });
}

// ---------- Maintenance (issue 18, docs/maintenance.md) ----------

const MINUTE_MS = 60_000;

/**
 * A stop of Bearing Press 1 two hours ago (its machine data through the ingest core, as the IoT
 * rules hand it on) and a request raised from it, in progress; a planned, completed request on
 * the screwdriving station with its part and time; a preventive plan by calendar (due, so the
 * plan job raises its request within a minute) and one by counter. The plans come last: they
 * mark the step done, so a restart does not raise the requests again.
 */
async function seedMaintenance(api: Api, target: SeedTarget) {
  if ((await api.call('maintenance', 'GET', '/v1/maintenance-plans/PM-PRESS-GREASE')).status === 200) return;
  const now = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
  const iso = (ms: number) => new Date(ms).toISOString();
  if (target.ingestTelemetry) {
    let n = 0;
    const send = (ts: number, type: string, payload: Record<string, unknown>): TelemetryEnvelope => ({
      tenantId: DEMO_TENANT,
      equipmentId: 'wu-press-1',
      type,
      clientId: thingName({ tenantId: DEMO_TENANT, equipmentId: 'wu-press-1' }),
      // As it arrived then: a second after its sample (older data is outside the late window).
      receivedAt: ts + 1000,
      raw: Buffer.from(JSON.stringify({ ts, msgId: `seed-mr-${++n}`, ...payload })).toString('base64'),
    });
    await target.ingestTelemetry([
      send(now - 180 * MINUTE_MS, 'state', { state: 'running' }),
      send(now - 120 * MINUTE_MS, 'state', { state: 'down', reasonCode: 'BD-PNEUMATIC' }),
      send(now - 95 * MINUTE_MS, 'state', { state: 'running' }),
    ]);
    const stops = (await api.expect(
      'supervisor',
      'GET',
      `/v1/equipment/wu-press-1/downtime?from=${iso(now - 200 * MINUTE_MS)}&to=${iso(now)}`,
      undefined,
      [200],
    )) as {
      items: { stopStart: string; state: string }[];
    };
    const stop = stops.items.find((e) => e.state === 'down');
    if (stop) {
      const fromStop = (await api.expect(
        'operator',
        'POST',
        '/v1/maintenance-requests',
        { equipmentId: 'wu-press-1', problem: 'Air pressure drops, the ram stops half way', priority: 'high', downtimeStart: stop.stopStart },
        [201],
      )) as { id: string };
      await api.expect('maintenance', 'POST', `/v1/maintenance-requests/${fromStop.id}/start`, {}, [200]);
    }
  }
  const planned = (await api.expect(
    'supervisor',
    'POST',
    '/v1/maintenance-requests',
    { equipmentId: 'wu-screw-1', problem: 'Replace the worn ram seal of the screw feeder', priority: 'normal' },
    [201],
  )) as { id: string };
  const step = (persona: Persona, action: string, body: unknown) =>
    api.expect(persona, 'POST', `/v1/maintenance-requests/${planned.id}/${action}`, body, [200]);
  // A window from now (a planned window may not start in the past: docs/maintenance.md), worked at once.
  await step('supervisor', 'plan', { start: iso(now), end: iso(now + 60 * MINUTE_MS) });
  await step('supervisor', 'assign', { assigneeId: 'p-tess' });
  await step('maintenance', 'start', {});
  await step('maintenance', 'complete', {
    workDone: 'Seal replaced, feeder greased and tested',
    parts: [{ materialId: 'SPR-SEAL-1', quantity: 1 }],
    laborMinutes: 40,
  });
  await api.expect(
    'maintenance',
    'PUT',
    '/v1/maintenance-plans/PM-LABELER-HEAD',
    { equipmentId: 'wu-labeler-1', task: 'Clean and check the print head', priority: 'normal', trigger: { kind: 'counter', everyCycles: 50_000 } },
    [200],
  );
  await api.expect(
    'maintenance',
    'PUT',
    '/v1/maintenance-plans/PM-PRESS-GREASE',
    {
      equipmentId: 'wu-press-1',
      task: 'Grease the press bearings (weekly)',
      priority: 'normal',
      trigger: { kind: 'calendar', every: 1, unit: 'weeks', start: iso(now - 8 * 86_400_000) },
    },
    [200],
  );
}

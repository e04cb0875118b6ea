/**
 * Issue 18's labor figures (docs/labor.md): the DynamoDB calls and request units of clock-on and
 * clock-off (alone, a crew of three, indirect) and of the labor reads, as each response reports
 * them in its x-mes-dynamodb header (MES_EXPOSE_DDB_USAGE=1, the real code path). A runtime of
 * its own (DynamoDB Local in memory), a small plant built through the API. The lead wires
 * `measureLabor` and `renderLabor` into bench/run.ts; `npx tsx bench/labor-only.ts` runs it alone.
 * DynamoDB Local reports a transaction's write units as a whole, not item by item (see
 * bench/audit.ts): the wru column is its figure, not AWS's.
 */
import type { Log } from '../infra/local/http-server.ts';
import { startRuntime } from '../infra/local/runtime.ts';
import { closeClient, type Reply, request } from './http-client.ts';

const TENANT = 'bench-labor';
const HEADER = /^calls=([^;]*);rru=([\d.]+);wru=([\d.]+)$/;

export interface LaborFigure {
  label: string;
  samples: number;
  /** Median units and the calls of the median sample, as the header says. */
  rru: number;
  wru: number;
  calls: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export async function measureLabor(options: { step: (m: string) => void; log: Log; samples?: number }): Promise<LaborFigure[]> {
  const samples = options.samples ?? 10;
  process.env.MES_EXPOSE_DDB_USAGE = '1';
  const runtime = await startRuntime({ port: 0, inMemory: true, seed: false, log: options.log, schedules: false, web: false });
  try {
    const base = runtime.baseUrl;
    const token = (userId: string, role: 'planner' | 'supervisor' | 'operator') =>
      runtime.issueToken({ tenantId: TENANT, userId, name: userId, roles: [role] });
    const [planner, supervisor, operator] = await Promise.all([
      token('b-planner', 'planner'),
      token('b-sup', 'supervisor'),
      token('b-op', 'operator'),
    ]);
    const ok = async (who: string, method: string, path: string, body?: unknown): Promise<Reply> => {
      const reply = await request(base, method, path, who, body);
      if (reply.status >= 300) throw new Error(`${method} ${path}: ${reply.status} ${reply.body.slice(0, 300)}`);
      return reply;
    };
    options.step('labor: a plant and orders');
    await ok(planner, 'PUT', '/v1/equipment/wc-1', { name: 'Line 1', level: 'workCenter', workCenterType: 'productionLine' });
    await ok(planner, 'PUT', '/v1/materials/FG-1', { name: 'Widget', uom: 'EA', materialType: 'finished' });
    await ok(planner, 'PUT', '/v1/routings/RT-1', {
      materialId: 'FG-1',
      operations: [{ seq: 10, name: 'Make', workCenterId: 'wc-1', standardTimeSeconds: 60, setupTimeSeconds: 300 }],
    });
    for (const p of ['b-op', 'p-1', 'p-2', 'p-3']) await ok(planner, 'PUT', `/v1/personnel/${p}`, { name: `Person ${p}`, roles: ['operator'] });
    const orders: string[] = [];
    for (let i = 0; i < 2; i++) {
      const created = JSON.parse(
        (
          await ok(planner, 'POST', '/v1/work-orders', {
            materialId: 'FG-1',
            routingId: 'RT-1',
            quantity: 10,
            dueDate: '2030-01-10T00:00:00Z',
            priority: 5,
          })
        ).body,
      ) as { id: string };
      await ok(supervisor, 'POST', `/v1/work-orders/${created.id}/release`, {});
      await ok(supervisor, 'POST', `/v1/work-orders/${created.id}/operations/10/start`, {});
      orders.push(created.id);
    }
    const [a, b] = orders as [string, string];
    const figures = new Map<string, { rru: number[]; wru: number[]; calls: string[] }>();
    const measure = async (label: string, who: string, method: string, path: string, body?: unknown) => {
      const reply = await ok(who, method, path, body);
      const m = HEADER.exec(String(reply.headers['x-mes-dynamodb'] ?? ''));
      if (!m) throw new Error(`${label}: no x-mes-dynamodb header (MES_EXPOSE_DDB_USAGE=1?)`);
      const f = figures.get(label) ?? { rru: [], wru: [], calls: [] };
      f.rru.push(Number(m[2]));
      f.wru.push(Number(m[3]));
      f.calls.push(m[1] as string);
      figures.set(label, f);
    };
    const op = (id: string) => `/v1/work-orders/${id}/operations/10`;
    options.step(`labor: ${samples} rounds of clock-on and clock-off`);
    for (let i = 0; i < samples; i++) {
      await measure('clock-on (self, first operation)', operator, 'POST', `${op(a)}/clock-on`, {});
      await measure('clock-on (self, a second at once)', operator, 'POST', `${op(b)}/clock-on`, {});
      await measure('clock-off (self)', operator, 'POST', `${op(b)}/clock-off`, {});
      await measure('clock-off (self, the last)', operator, 'POST', `${op(a)}/clock-off`, {});
      await measure('clock-on (crew of 3)', supervisor, 'POST', `${op(a)}/clock-on`, { personnelIds: ['p-1', 'p-2', 'p-3'] });
      await measure('clock-off (crew of 3)', supervisor, 'POST', `${op(a)}/clock-off`, { personnelIds: ['p-1', 'p-2', 'p-3'] });
      await measure('indirect clock-on', operator, 'POST', '/v1/labor/indirect/clock-on', { reasonCode: 'CLEANING' });
      await measure('indirect clock-off', operator, 'POST', '/v1/labor/indirect/clock-off', {});
    }
    await measure('GET person labor (24 h)', supervisor, 'GET', '/v1/personnel/b-op/labor');
    await measure('GET work order labor', supervisor, 'GET', `/v1/work-orders/${a}/labor`);
    await measure('GET who is on what', supervisor, 'GET', '/v1/labor/active');
    return [...figures].map(([label, f]) => ({
      label,
      samples: f.rru.length,
      rru: median(f.rru),
      wru: median(f.wru),
      calls: f.calls[Math.floor(f.calls.length / 2)] ?? '',
    }));
  } finally {
    closeClient();
    await runtime.stop();
  }
}

export function renderLabor(figures: readonly LaborFigure[], sink: { out: (...lines: string[]) => void }) {
  sink.out(
    '### 12.1 Labor: DynamoDB cost of clock-on and clock-off',
    '',
    'Median request units per request as the x-mes-dynamodb header reports them (DynamoDB Local: a transaction is reported as a whole).',
    '',
    '| Request | Samples | Read units | Write units | Calls |',
    '| --- | ---: | ---: | ---: | --- |',
    ...figures.map((f) => `| ${f.label} | ${f.samples} | ${f.rru} | ${f.wru} | ${f.calls} |`),
    '',
  );
}

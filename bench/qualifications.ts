/**
 * Issue 18's qualification gate, what it costs on operation start (docs/qualifications.md): the
 * same start (POST …/operations/10/start over local HTTP through the real handler) of orders
 * whose operation requires nothing, and of orders whose operation requires two qualifications
 * (one from the routing operation, one from the unit, copied at release) held by the starter;
 * DynamoDB calls, read and write units from the `x-mes-dynamodb` header (MES_EXPOSE_DDB_USAGE),
 * median of `samples` starts each. Target: the check adds no more than ONE read.
 * A runtime of its own (DynamoDB Local in memory). Wire: `measureQualifications` + `renderQualifications`.
 */
import type { Log } from '../infra/local/http-server.ts';
import { startRuntime } from '../infra/local/runtime.ts';
import { request } from './http-client.ts';

const TENANT = 'bench-qualifications';

export interface StartCost {
  calls: string;
  rru: number;
  wru: number;
}

export interface QualificationResults {
  samples: number;
  without: StartCost;
  withRequirements: StartCost;
  /** Reads the check added: read calls with minus read calls without. */
  addedReads: number;
  ok: boolean;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);
const readCalls = (calls: string) => calls.split(',').filter((c) => READS.has(c.replace(/[×x*]\d+$/, '').trim())).length;

export async function measureQualifications(options: { step: (m: string) => void; log: Log; samples?: number }): Promise<QualificationResults> {
  const samples = options.samples ?? 20;
  process.env.MES_EXPOSE_DDB_USAGE = '1';
  const runtime = await startRuntime({ port: 0, inMemory: true, seed: false, log: options.log, schedules: false, web: false });
  try {
    const token = (userId: string, role: 'planner' | 'supervisor' | 'operator') => runtime.issueToken({ tenantId: TENANT, userId, roles: [role] });
    const [planner, supervisor, operator] = await Promise.all([
      token('b-planner', 'planner'),
      token('b-sam', 'supervisor'),
      token('b-olivia', 'operator'),
    ]);
    const call = async (bearer: string, method: string, path: string, body?: unknown) => {
      const reply = await request(runtime.baseUrl, method, path, bearer, body);
      if (reply.status >= 300) throw new Error(`qualifications bench: ${method} ${path} answered ${reply.status} ${reply.body.slice(0, 300)}`);
      return reply;
    };
    options.step('qualifications: master data');
    await call(planner, 'PUT', '/v1/equipment/b-site', { name: 'Site', level: 'site' });
    await call(planner, 'PUT', '/v1/equipment/b-wc-plain', { name: 'Plain cell', level: 'workCenter', parentId: 'b-site' });
    await call(supervisor, 'PUT', '/v1/qualifications/Q-PRESS', {
      name: 'Press operation',
      kind: 'skill',
      levels: [
        { level: 1, name: 'Trainee' },
        { level: 2, name: 'Operator' },
      ],
    });
    await call(supervisor, 'PUT', '/v1/qualifications/Q-CERT', { name: 'Press certificate', kind: 'certification', validityMonths: 12 });
    await call(planner, 'PUT', '/v1/equipment/b-wc-press', {
      name: 'Press cell',
      level: 'workCenter',
      parentId: 'b-site',
      requiredQualifications: [{ qualificationId: 'Q-CERT' }],
    });
    await call(planner, 'PUT', '/v1/materials/b-fg', { name: 'Part', uom: 'EA' });
    await call(planner, 'PUT', '/v1/routings/b-plain', { materialId: 'b-fg', operations: [{ seq: 10, name: 'Make', workCenterId: 'b-wc-plain' }] });
    await call(planner, 'PUT', '/v1/routings/b-gated', {
      materialId: 'b-fg',
      operations: [{ seq: 10, name: 'Press', workCenterId: 'b-wc-press', requiredQualifications: [{ qualificationId: 'Q-PRESS', minLevel: 2 }] }],
    });
    await call(planner, 'PUT', '/v1/personnel/b-olivia', { name: 'Olivia Bakker', roles: ['operator'] });
    await call(supervisor, 'PUT', '/v1/personnel/b-olivia/qualifications', {
      qualifications: [
        { qualificationId: 'Q-PRESS', level: 2, grantedAt: '2026-01-01T00:00:00Z' },
        { qualificationId: 'Q-CERT', grantedAt: new Date().toISOString() },
      ],
    });
    const orders = async (routingId: string) => {
      const ids: string[] = [];
      for (let i = 0; i < samples; i++) {
        const created = JSON.parse(
          (
            await call(planner, 'POST', '/v1/work-orders', {
              materialId: 'b-fg',
              quantity: 5,
              routingId,
              dueDate: '2030-01-01T00:00:00Z',
              priority: 500,
            })
          ).body,
        ) as {
          id: string;
        };
        await call(supervisor, 'POST', `/v1/work-orders/${created.id}/release`, {});
        ids.push(created.id);
      }
      return ids;
    };
    options.step(`qualifications: ${samples} orders without requirements, ${samples} with`);
    const [plain, gated] = [await orders('b-plain'), await orders('b-gated')];
    const starts = async (ids: string[]) => {
      const usage: StartCost[] = [];
      for (const id of ids) {
        const reply = await call(operator, 'POST', `/v1/work-orders/${id}/operations/10/start`, {});
        const m = /^calls=([^;]*);rru=([\d.]+);wru=([\d.]+)$/.exec(String(reply.headers['x-mes-dynamodb'] ?? ''));
        if (!m) throw new Error('qualifications bench: no x-mes-dynamodb header');
        usage.push({ calls: m[1] as string, rru: Number(m[2]), wru: Number(m[3]) });
      }
      const calls = usage.map((u) => u.calls).sort((a, b) => a.localeCompare(b));
      return { calls: calls[Math.floor(calls.length / 2)] ?? '', rru: median(usage.map((u) => u.rru)), wru: median(usage.map((u) => u.wru)) };
    };
    options.step('qualifications: starts');
    const without = await starts(plain);
    const withRequirements = await starts(gated);
    const addedReads = readCalls(withRequirements.calls) - readCalls(without.calls);
    return { samples, without, withRequirements, addedReads, ok: addedReads <= 1 };
  } finally {
    await runtime.stop();
  }
}

export function renderQualifications(r: QualificationResults, out: (...lines: string[]) => void = (...l) => console.log(l.join('\n'))) {
  out(
    `The qualification check on operation start (docs/qualifications.md): POST …/operations/10/start over local HTTP, median of ${r.samples} starts each; calls and units from the \`x-mes-dynamodb\` header:`,
    '',
    '| Start of an operation | DynamoDB calls | RRU | WRU |',
    '| --- | --- | ---: | ---: |',
    `| requiring nothing | ${r.without.calls} | ${r.without.rru} | ${r.without.wru} |`,
    `| requiring 2 qualifications (routing operation + unit), held | ${r.withRequirements.calls} | ${r.withRequirements.rru} | ${r.withRequirements.wru} |`,
    '',
    `Reads the check adds: ${r.addedReads} (target: at most 1) ${r.ok ? '✓' : '✗'}`,
  );
}

/**
 * The bench tenant, built through the public API like a user would: settings, a work center,
 * a material, a three-operation routing, then many RELEASED orders (operation 10 READY), so
 * every measured start, report and complete is a legal transition on its own order.
 */
import type { Runtime } from '../infra/local/runtime.ts';
import { request } from './http-client.ts';
import { load } from './stats.ts';

export const TENANT = 'bench';

export interface Tokens {
  planner: string;
  supervisor: string;
  operator: string;
  admin: string;
}

export async function issueTokens(runtime: Runtime): Promise<Tokens> {
  const as = (userId: string, role: 'planner' | 'supervisor' | 'operator' | 'admin') =>
    runtime.issueToken({ tenantId: TENANT, userId, roles: [role] });
  return {
    planner: await as('bench-planner', 'planner'),
    supervisor: await as('bench-supervisor', 'supervisor'),
    operator: await as('bench-operator', 'operator'),
    admin: await as('bench-admin', 'admin'),
  };
}

/** Recorded at operation 10 by every report, as a torque check would be on a real line. */
export const REPORT_BODY = { goodQty: 1, data: { torque: 4.1 } };
export const COMPLETE_BODY = { goodQty: 1 };

export async function seedMasterData(baseUrl: string, tokens: Tokens) {
  const put = async (token: string, path: string, body: unknown) => {
    const res = await request(baseUrl, 'PUT', path, token, body);
    if (res.status !== 200 && res.status !== 201) throw new Error(`PUT ${path} answered ${res.status}: ${res.body}`);
  };
  await put(tokens.admin, '/v1/tenant-settings', { overrunTolerancePct: 5 });
  await put(tokens.planner, '/v1/equipment/bench-site', { name: 'Bench site', level: 'site' });
  await put(tokens.planner, '/v1/equipment/wc-bench', {
    name: 'Bench line',
    level: 'workCenter',
    parentId: 'bench-site',
    workCenterType: 'productionLine',
  });
  await put(tokens.planner, '/v1/materials/FG-BENCH', { name: 'Bench product', uom: 'ea', materialType: 'finished' });
  await put(tokens.planner, '/v1/routings/RT-BENCH', {
    materialId: 'FG-BENCH',
    name: 'Bench routing: assemble, test, pack',
    operations: [
      {
        seq: 10,
        name: 'Assemble',
        workCenterId: 'wc-bench',
        standardTimeSeconds: 60,
        instructions: 'Fit the parts and torque the four screws.',
        dataToRecord: [{ name: 'torque', type: 'number', unit: 'Nm', min: 3.5, max: 4.5 }],
      },
      { seq: 20, name: 'Test', workCenterId: 'wc-bench', standardTimeSeconds: 30 },
      { seq: 30, name: 'Pack', workCenterId: 'wc-bench', standardTimeSeconds: 15 },
    ],
  });
}

/** Creates and releases `count` orders (8 at a time); returns their ids. */
export async function releasedOrders(baseUrl: string, tokens: Tokens, count: number, prefix: string): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);
  const dueDate = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const result = await load({ concurrency: 8, samples: count, maxMs: 120_000 }, async (i) => {
    const id = ids[i] as string;
    const created = await request(baseUrl, 'POST', '/v1/work-orders', tokens.planner, {
      id,
      materialId: 'FG-BENCH',
      routingId: 'RT-BENCH',
      quantity: 100,
      dueDate,
    });
    if (created.status !== 201) throw new Error(`creating ${id} answered ${created.status}: ${created.body}`);
    const released = await request(baseUrl, 'POST', `/v1/work-orders/${id}/release`, tokens.supervisor, {});
    if (released.status !== 200) throw new Error(`releasing ${id} answered ${released.status}: ${released.body}`);
    return true;
  });
  if (result.done.length !== count) throw new Error(`only ${result.done.length} of ${count} orders were released in time`);
  return ids;
}

/**
 * Issue 15's SPC figures, section 9 of bench/RESULTS.md. A runtime of its own (DynamoDB Local in
 * memory, no MQTT). 100,000 values of one characteristic (a routing's recorded torque,
 * `data:RT-SPC:10:torque`) in 20,000 subgroups of 5 over the last 30 days, written straight to the
 * table with the repository's item builder (spcValueItems: one list_append Update per hour item).
 * Then the chart of the last 30 days (X-bar/R, limits from the data, Nelson rules, capability):
 *   a. in-process, the service alone (SpcService.chart): time and DynamoDB calls;
 *   b. over local HTTP through the real handler: time, calls and RRU from `x-mes-dynamodb`;
 * beside the floor, in the same run: the bare Query pages over the same hour items, nothing else.
 * Every loop is bounded; all traffic stays on 127.0.0.1.
 */
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Log } from '../infra/local/http-server.ts';
import { localClientConfig } from '../infra/local/dynamodb.ts';
import { startRuntime } from '../infra/local/runtime.ts';
import type { AuthContext } from '../shared/auth/claims.ts';
import type { Role } from '../shared/domain/roles.ts';
import { ddb, tableName } from '../shared/db/client.ts';
import { keys } from '../shared/db/keys.ts';
import { DynamoDbMasterDataRepository } from '../shared/db/master-data-repository.ts';
import { DynamoDbSpcRepository, spcValueItems } from '../shared/db/spc-repository.ts';
import { hourOf } from '../shared/db/spc-value-format.ts';
import { withUsage } from '../shared/db/usage.ts';
import type { SpcChartView, SpcSample } from '../shared/domain/quality/spc-model.ts';
import { SpcService } from '../shared/domain/quality/spc-service.ts';
import { request as send } from './http-client.ts';

/** A keep-alive socket left idle while the values were written may have been closed by the server: once more on a reset. */
const request = (...args: Parameters<typeof send>) =>
  send(...args).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ECONNRESET') throw error;
    return send(...args);
  });

export const SPC_SHAPE = { values: 100_000, subgroupSize: 5, days: 30 } as const;
/** A 30-day chart reads its hour items in a bounded number of Query pages (1 MB each): at most this many for the bench's data. */
export const SPC_TARGETS = { maxPages: 4, maxDueCalls: 2 } as const;
export const SPC_TARGET_NAMES = {
  spcPages: `9. A 30-day SPC chart over ${SPC_SHAPE.values.toLocaleString('en-US')} values reads at most ${SPC_TARGETS.maxPages} Query pages (plus 2 GetItem and the characteristic's master data)`,
  spcWhole: '9. The chart holds every subgroup of the window',
  dueCalls: '9. The inspections due at an operation: 1 DynamoDB call, 2 with the recorded results',
} as const;

const TENANT = 'spc-bench';
const CHARACTERISTIC = 'data:RT-SPC:10:torque';
const RUNS = Math.max(1, Number(process.env.BENCH_SPC_RUNS ?? 5));

export interface SpcResults {
  values: number;
  subgroups: number;
  hourItems: number;
  writeSeconds: number;
  writeCalls: number;
  wru: number;
  runs: number;
  /** In-process, the service alone. */
  service: { ms: number[]; calls: Record<string, number>; rru: number };
  /** Over HTTP, the whole route. */
  http: { ms: number[]; calls: Record<string, number>; rru: number; bytes: number };
  /** Bare Query pages of the same items. */
  floor: { ms: number[]; pages: number; rru: number };
  points: number;
  violations: number;
  cpk: number | null;
  /**
   * The inspections-due lookup at an operation's start (an order released with a plan copied
   * onto its operation): the DynamoDB calls of the start itself, and of GET
   * /v1/work-orders/{id}/inspections?seq= without and with the recorded results.
   */
  due: { start: Record<string, number>; withoutResults: Record<string, number>; withResults: Record<string, number>; inspections: number };
}

/** A seeded PRNG (mulberry32) and normal deviates (Box-Muller): the same data every run. */
function normal(seed: number) {
  let a = seed;
  const uniform = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

export function generateSamples(end: number): SpcSample[] {
  const z = normal(15);
  const count = SPC_SHAPE.values / SPC_SHAPE.subgroupSize;
  const step = (SPC_SHAPE.days * 86_400_000) / count;
  const start = end - SPC_SHAPE.days * 86_400_000;
  return Array.from({ length: count }, (_, i) => {
    const workOrderId = `WO-${String(Math.floor(i / 100)).padStart(5, '0')}`;
    return {
      characteristicId: CHARACTERISTIC,
      subgroupId: `${workOrderId}~10~${(i % 100) + 1}`,
      at: new Date(Math.floor(start + (i + 0.5) * step)).toISOString(),
      values: Array.from({ length: SPC_SHAPE.subgroupSize }, () => Math.round((4 + 0.05 * z()) * 1000) / 1000),
      workOrderId,
      seq: 10,
    };
  });
}

const countNames = (calls: readonly string[]) => {
  const out: Record<string, number> = {};
  for (const c of calls) out[c] = (out[c] ?? 0) + 1;
  return out;
};

export async function measureSpc(options: { step: (message: string) => void; log: Log }): Promise<SpcResults> {
  const { step } = options;
  process.env.MES_EXPOSE_DDB_USAGE = '1';
  const runtime = await startRuntime({ port: 0, inMemory: true, seed: false, log: options.log, schedules: false, web: false });
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(runtime.dynamoDbEndpoint)));
  try {
    const planner = await runtime.issueToken({ tenantId: TENANT, userId: 'bench-planner', roles: ['planner'] });
    const put = async (path: string, body: unknown) => {
      const res = await request(runtime.baseUrl, 'PUT', path, planner, body);
      if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${res.body}`);
    };
    await put('/v1/equipment/site-1', { name: 'Plant', level: 'site' });
    await put('/v1/equipment/area-1', { name: 'Hall', level: 'area', parentId: 'site-1' });
    await put('/v1/equipment/wc-1', { name: 'Assembly', level: 'workCenter', workCenterType: 'productionLine', parentId: 'area-1' });
    await put('/v1/materials/FG-1', { name: 'Pump', uom: 'ea', materialType: 'finished' });
    await put('/v1/routings/RT-SPC', {
      materialId: 'FG-1',
      operations: [
        {
          seq: 10,
          name: 'Assemble',
          workCenterId: 'wc-1',
          dataToRecord: [{ name: 'torque', type: 'number', unit: 'Nm', min: 3.8, max: 4.2 }],
        },
      ],
    });

    const due = await measureDueLookup(runtime.baseUrl, (role) => runtime.issueToken({ tenantId: TENANT, userId: `bench-${role}`, roles: [role] }));

    const end = Date.now();
    const samples = generateSamples(end);
    const items = spcValueItems(tableName(), TENANT, samples);
    step(
      `9. writing ${SPC_SHAPE.values.toLocaleString('en-US')} values (${samples.length.toLocaleString('en-US')} subgroups of 5) as ${items.length} hour items`,
    );
    const t0 = performance.now();
    const [, writeUsage] = await withUsage(async () => {
      // One Update per hour item, 8 in flight: the whole hour's subgroups at once (a writer
      // appends a subgroup at a time; the items come out the same).
      let next = 0;
      const worker = async () => {
        while (next < items.length) {
          const item = items[next++] as (typeof items)[number];
          await ddb().send(
            new UpdateCommand({ ...(item.Update as ConstructorParameters<typeof UpdateCommand>[0]), ReturnConsumedCapacity: 'TOTAL' }),
          );
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    });
    const writeSeconds = (performance.now() - t0) / 1000;

    const from = new Date(end - SPC_SHAPE.days * 86_400_000).toISOString();
    const to = new Date(end + 1).toISOString();
    const auth: AuthContext = { tenantId: TENANT, userId: 'bench-quality', name: 'Bench', roles: ['quality'] };
    const service = new SpcService(new DynamoDbSpcRepository(), new DynamoDbMasterDataRepository(), undefined);
    const token = await runtime.issueToken({ tenantId: TENANT, userId: 'bench-quality', roles: ['quality'] });
    const path = `/v1/characteristics/${encodeURIComponent(CHARACTERISTIC)}/spc?${new URLSearchParams({ from, to, chart: 'xbar-r' })}`;

    step(`9. the chart of the last 30 days, ${RUNS} runs: in-process, over HTTP, and the floor of bare Query pages`);
    const warm = await request(runtime.baseUrl, 'GET', path, token);
    if (warm.status !== 200) throw new Error(`${path} answered ${warm.status}: ${warm.body}`);
    const result: SpcResults = {
      values: SPC_SHAPE.values,
      subgroups: samples.length,
      hourItems: items.length,
      writeSeconds,
      writeCalls: writeUsage.calls.length,
      wru: writeUsage.writeUnits,
      runs: RUNS,
      service: { ms: [], calls: {}, rru: 0 },
      http: { ms: [], calls: {}, rru: 0, bytes: 0 },
      floor: { ms: [], pages: 0, rru: 0 },
      points: 0,
      violations: 0,
      cpk: null,
      due,
    };
    for (let run = 0; run < RUNS; run++) {
      // a. the service alone
      const s0 = performance.now();
      const [view, usage] = await withUsage(() => service.chart(auth, CHARACTERISTIC, { from, to, chart: 'xbar-r' }));
      result.service.ms.push(performance.now() - s0);
      result.service.calls = countNames(usage.calls);
      result.service.rru = usage.readUnits;
      result.points = view.points.length;
      result.violations = view.points.filter((p) => p.violations.length > 0).length;
      result.cpk = view.capability?.cpk ?? null;

      // b. the route over HTTP
      const h0 = performance.now();
      const res = await request(runtime.baseUrl, 'GET', path, token);
      result.http.ms.push(performance.now() - h0);
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${res.body}`);
      const body = JSON.parse(res.body) as SpcChartView;
      if (body.points.length !== view.points.length)
        throw new Error(`the route showed ${body.points.length} points, the service ${view.points.length}`);
      const header = /calls=([^;]*);rru=([\d.]+)/.exec(String(res.headers['x-mes-dynamodb'] ?? ''));
      result.http.calls = countNames((header?.[1] ?? '').split(',').filter(Boolean));
      result.http.rru = Number(header?.[2] ?? 0);
      result.http.bytes = res.body.length;

      // the floor: the same hour items, bare Query pages, nothing decoded
      const f0 = performance.now();
      let start: Record<string, unknown> | undefined;
      let pages = 0;
      let rru = 0;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: runtime.tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': keys.spcPartition(TENANT, CHARACTERISTIC),
              ':from': keys.spcValuesRange(hourOf(from), hourOf(to)).from,
              ':to': keys.spcValuesRange(hourOf(from), hourOf(to)).to,
            },
            ExclusiveStartKey: start,
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        pages++;
        rru += page.ConsumedCapacity?.CapacityUnits ?? 0;
        start = page.LastEvaluatedKey;
      } while (start && pages < 1000);
      result.floor.ms.push(performance.now() - f0);
      result.floor.pages = pages;
      result.floor.rru = rru;
    }
    return result;
  } finally {
    db.destroy();
    await runtime.stop();
  }
}

/** The DynamoDB calls a local response reports (`x-mes-dynamodb`, MES_EXPOSE_DDB_USAGE), by name. */
const callsOf = (res: { headers: Record<string, unknown> }) =>
  countNames((/calls=([^;]*);/.exec(String(res.headers['x-mes-dynamodb'] ?? ''))?.[1] ?? '').split(',').filter(Boolean));

/**
 * What the inspections due at an operation's start cost: a plan on the routing's operation is
 * copied onto the order at release, so the start reads nothing more, and the due list is the
 * order's Query (and the results' Query, in parallel, when asked for).
 */
async function measureDueLookup(baseUrl: string, token: (role: Role) => Promise<string>): Promise<SpcResults['due']> {
  const ok = async (role: Role, method: string, path: string, body?: unknown) => {
    const res = await request(baseUrl, method, path, await token(role), body);
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${res.body}`);
    return res;
  };
  await ok('quality', 'PUT', '/v1/inspection-plans/IP-BENCH', {
    name: 'Torque check',
    materialId: 'FG-1',
    operationSeq: 10,
    characteristics: [{ id: 'torque', name: 'Torque', kind: 'variable', unit: 'mm', lsl: 3.8, usl: 4.2 }],
    sampling: { kind: 'every-n', every: 10, sampleSize: 5 },
  });
  const order = JSON.parse(
    (
      await ok('planner', 'POST', '/v1/work-orders', {
        materialId: 'FG-1',
        routingId: 'RT-SPC',
        quantity: 100,
        dueDate: new Date(Date.now() + 86_400_000).toISOString(),
      })
    ).body,
  ) as { id: string };
  await ok('supervisor', 'POST', `/v1/work-orders/${order.id}/release`, {});
  const start = await ok('operator', 'POST', `/v1/work-orders/${order.id}/operations/10/start`, {});
  await ok('operator', 'POST', `/v1/work-orders/${order.id}/operations/10/report`, { goodQty: 20, scrapQty: 0 });
  const withoutResults = await ok('operator', 'GET', `/v1/work-orders/${order.id}/inspections?seq=10&results=false`);
  const withResults = await ok('operator', 'GET', `/v1/work-orders/${order.id}/inspections?seq=10`);
  return {
    start: callsOf(start),
    withoutResults: callsOf(withoutResults),
    withResults: callsOf(withResults),
    inspections: (JSON.parse(withResults.body) as { inspections: unknown[] }).inspections.length,
  };
}

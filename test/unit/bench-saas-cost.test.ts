/**
 * Section 11 of the bench (bench/saas-cost.ts), on figures shaped like a run's: every line is a
 * finite amount, the idle floor is what the templates' priced resources cost, and the floor is
 * shared: a plant-month costs less at 100 plants than at 1.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlantLiveResults } from '../../bench/plant-live.ts';
import type { ApiResult } from '../../bench/report.ts';
import { CLOUDWATCH_ALARM_USD_PER_MONTH, renderSaasCost, saasCost } from '../../bench/saas-cost.ts';
import type { PricedResources } from '../../bench/stacks.ts';
import type { TelemetryResults } from '../../bench/telemetry.ts';
import { TELEMETRY_RULES } from '../../shared/telemetry/rules.ts';

const meter = (records: number, samples: number) => ({
  invocations: records / 1000,
  records,
  samples,
  payloadBytes: records * 800,
  recordBytes: records * 1100,
  ms: records,
  wru: samples / 50,
  rru: samples / 80,
  calls: records / 500,
});
const plantLive = {
  units: 200,
  gateways: 20,
  plantSeconds: 600,
  meter: {
    [TELEMETRY_RULES.measurements.name]: meter(18_000, 180_000),
    [TELEMETRY_RULES.lifecycle.name]: meter(42, 42),
  },
  feedMessages: 287,
  feedUnits: 291,
  feedChanges: 966,
  jobs: [
    { name: 'refresh', calls: 10, rru: 500, wru: 200, ms: 4000, detail: '' },
    { name: 'rollup', calls: 5, rru: 50, wru: 48, ms: 500, detail: '' },
  ],
} as unknown as PlantLiveResults;
const telemetry = {
  plant: [
    {
      samplesPerMessage: 10,
      bucketItemsPerMinute: 8,
      bucketItemBytes: { mean: 6000, max: 7000, items: 8, completeMinutes: true },
      stateItemBytes: 300,
    },
  ],
  naive: { samplesPerSecond: 200, payloadBytes: 80, wruPerItem: 1, itemBytes: 300, items: 500 },
} as unknown as TelemetryResults;
const latency = (p50: number) => ({ samples: 300, p50, p99: p50 * 2, rate: 50, errors: 0 });
const use = (wru: number, rru: number) => [{ calls: 'Query,TransactWriteItems', wru, rru }];
const api = [
  { request: 'startOperation', concurrency: 1, usage: use(16, 1.5), failures: [], latency: latency(14) },
  { request: 'reportOperation', concurrency: 1, usage: use(12, 1), failures: [], latency: latency(15) },
  { request: 'completeOperation', concurrency: 1, usage: use(12, 1.5), failures: [], latency: latency(15) },
  { request: 'getWorkOrder', concurrency: 1, usage: use(0, 1), failures: [], latency: latency(2) },
] as ApiResult[];
const priced: PricedResources = { alarms: 40, dashboards: 1, webAcls: 2, webAclRules: 8, kmsKeys: 5, kinesisShards: 1, functions: 30, schedules: 4 };

describe('the SaaS cost (bench section 11)', () => {
  it('prices the idle floor from the templates and shares it over the plants', () => {
    const c = saasCost(priced, api, plantLive, telemetry);
    for (const line of [...c.floor, ...c.perPlant]) assert.ok(Number.isFinite(line.usd) && line.usd >= 0, `${line.line}: ${line.usd}`);
    const alarms = c.floor.find((l) => l.line === 'CloudWatch alarms');
    assert.equal(alarms?.usd, 40 * CLOUDWATCH_ALARM_USD_PER_MONTH);
    assert.ok(!c.perPlant.some((l) => l.line.includes('Kinesis shard-hours')), 'the shards are priced for the fleet, not per plant');
    const [one, ten, hundred] = c.at;
    assert.ok(one && ten && hundred);
    assert.ok(one.perPlant > ten.perPlant && ten.perPlant > hundred.perPlant, JSON.stringify(c.at));
    assert.ok(Math.abs(one.total - (c.floorTotal + c.perPlantTotal)) < 0.01 + one.shardUsd, 'one plant pays the floor and its own lines');
    const lines: string[] = [];
    renderSaasCost(c, undefined, (...l) => lines.push(...l));
    assert.match(lines.join('\n'), /\| 100 \| \d+ \|/);
  });
});

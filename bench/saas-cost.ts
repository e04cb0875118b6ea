/**
 * Section 11 (issue 17): what the whole deployment costs per plant-month at 1, 10 and 100 plants
 * of 200 units, and the fixed monthly floor of an idle deployment. Pure: no I/O; every line shows
 * its formula.
 *
 * From what this run measured: the 200-unit plant's telemetry and live view (section 7.4, its
 * lines as they are, the Kinesis shards taken out and priced for the whole fleet), the request
 * units and the latency of the shop-floor requests (sections 1 and 2), and the resources with a
 * monthly price of their own, counted in the synthesized templates (alarms, dashboards, web ACLs
 * and their rules, KMS keys, provisioned shards, schedules: section 3's synth). What a plant
 * does in a day (operations, users) is a stated assumption, named below.
 */
import { shardsFor } from '../infra/stream-capacity.ts';
import { TELEMETRY_RULES } from '../shared/telemetry/rules.ts';
import type { ApiRequest } from './api.ts';
import type { PlantLiveResults } from './plant-live.ts';
import { plantLiveCost } from './plant-live-report.ts';
import type { ApiResult } from './report.ts';
import type { PricedResources } from './stacks.ts';
import * as cost from './telemetry-cost.ts';
import type { TelemetryResults } from './telemetry.ts';

// AWS us-east-1 list prices as of 2026-11 (the AWS pricing pages for API Gateway, Cognito,
// CloudWatch, WAF, KMS, X-Ray), not re-checked online (the bench machine has no internet).
// Free tiers left out, as in section 4.5.
export const HTTP_API_USD_PER_MILLION = 1.0;
/** Cognito user pools, Essentials feature plan (the user pool's plan), per monthly active user. */
export const COGNITO_ESSENTIALS_USD_PER_MAU = 0.015;
export const CLOUDWATCH_ALARM_USD_PER_MONTH = 0.1;
export const CLOUDWATCH_DASHBOARD_USD_PER_MONTH = 3.0;
export const CLOUDWATCH_LOGS_INGEST_USD_PER_GB = 0.5;
export const CLOUDWATCH_CUSTOM_METRIC_USD_PER_MONTH = 0.3;
export const WAF_WEB_ACL_USD_PER_MONTH = 5.0;
export const WAF_RULE_USD_PER_MONTH = 1.0;
export const WAF_USD_PER_MILLION_REQUESTS = 0.6;
export const KMS_KEY_USD_PER_MONTH = 1.0;
export const XRAY_USD_PER_MILLION_TRACES = 5.0;

// What a 200-unit plant does in a day: assumptions, not measurements.
/** Operations run a day: 200 units, 3 shifts, 4 operations per unit and shift. */
export const OPERATIONS_PER_DAY = 200 * 3 * 4;
/** Reports per operation (a count every two hours of a shift), besides its start and complete. */
export const REPORTS_PER_OPERATION = 4;
/** Reads per command: the screen that sent it reads the order back, and one more screen looks. */
export const READS_PER_COMMAND = 2;
/** People who sign in in a month (operators of three shifts, supervisors, quality, planners). */
export const USERS_PER_PLANT = 60;
/** Requests a user's phone makes to the web app's files a day: a few app opens, each the shell and the chunks its screens load. */
export const WEB_REQUESTS_PER_USER_DAY = 30;
/** Log bytes per API request (the access log line and the function's lines): an estimate. */
export const LOG_BYTES_PER_REQUEST = 1200;
/**
 * Custom metrics per plant (EMF, the tenant dimension; functions/lib/metrics.ts): every API
 * function writes as service `mes-api`, so a plant adds `Commands`, `ServerErrors` and
 * `RateLimited` once each, and the webhook deliverer (`mes-integration`) two more.
 */
export const METRICS_PER_PLANT = 5;
/** X-Ray's default sampling: the first request each second, then 5 %. */
export const XRAY_SAMPLED_SHARE = 0.05;

export const PLANT_COUNTS = [1, 10, 100] as const;
const DAYS = 30;

export interface SaasCost {
  floor: cost.CostLine[];
  floorTotal: number;
  perPlant: cost.CostLine[];
  perPlantTotal: number;
  /** Measurement records a second of one plant (sizes the shared stream). */
  recordsPerSecond: number;
  recordBytes: number;
  at: { plants: number; shards: number | 'on-demand'; shardUsd: number; total: number; perPlant: number }[];
}

const num = (n: number, d = 2) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 });
const millions = (n: number) => `${(n / 1e6).toFixed(3)} M`;

export function saasCost(priced: PricedResources, api: readonly ApiResult[], plantLive: PlantLiveResults, telemetry: TelemetryResults): SaasCost {
  // The plant's own lines from section 7.4, less the stream's shards (shared by every plant: priced below for the fleet).
  const live = plantLiveCost(plantLive, telemetry);
  const shardLine = live.lines.find((l) => l.line.startsWith('Kinesis shard-hours'));
  const meas = plantLive.meter[TELEMETRY_RULES.measurements.name];
  const scale = cost.PLANT_UNITS / plantLive.units;
  const recordsPerSecond = meas ? (meas.records / plantLive.plantSeconds) * scale : 0;
  const recordBytes = meas?.records ? meas.recordBytes / meas.records : 600;

  // The shop floor's API traffic, from the requests measured alone (1 client): units per request and p50 as Lambda time.
  const one = (request: ApiRequest) => api.find((a) => a.request === request && a.concurrency === 1);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : 0);
  const figure = (request: ApiRequest) => {
    const r = one(request);
    return { wru: mean(r?.usage.map((u) => u.wru) ?? []), rru: mean(r?.usage.map((u) => u.rru) ?? []), ms: r?.latency.p50 ?? 0 };
  };
  const start = figure('startOperation');
  const report = figure('reportOperation');
  const complete = figure('completeOperation');
  const get = figure('getWorkOrder');
  const operations = OPERATIONS_PER_DAY * DAYS;
  const commands = operations * (2 + REPORTS_PER_OPERATION);
  const reads = commands * READS_PER_COMMAND;
  const requests = commands + reads;
  const wru = operations * (start.wru + REPORTS_PER_OPERATION * report.wru + complete.wru) + reads * get.wru;
  const rru = operations * (start.rru + REPORTS_PER_OPERATION * report.rru + complete.rru) + reads * get.rru;
  const lambdaMs = operations * (start.ms + REPORTS_PER_OPERATION * report.ms + complete.ms) + reads * get.ms;
  const gbSeconds = (lambdaMs / 1000) * 0.5;
  const logGb = (requests * LOG_BYTES_PER_REQUEST) / cost.GB;
  const traces = Math.min(requests, cost.MONTH_SECONDS + XRAY_SAMPLED_SHARE * Math.max(0, requests - cost.MONTH_SECONDS));
  const webRequests = USERS_PER_PLANT * WEB_REQUESTS_PER_USER_DAY * DAYS;
  const workload = `${num(operations, 0)} operations (${num(OPERATIONS_PER_DAY, 0)} a day × ${DAYS}), each a start, ${REPORTS_PER_OPERATION} reports and a complete, ${READS_PER_COMMAND} reads of the order per command`;

  const perPlant: cost.CostLine[] = [
    ...live.lines.filter((l) => l !== shardLine).map((l) => ({ ...l, line: `Telemetry and live view: ${l.line}` })),
    {
      line: 'API Gateway HTTP API requests',
      formula: `${millions(requests)} requests (${workload}) × $${HTTP_API_USD_PER_MILLION}/M`,
      usd: (requests / 1e6) * HTTP_API_USD_PER_MILLION,
    },
    {
      line: 'Lambda (API): requests and duration',
      formula: `${millions(requests)} × $${cost.LAMBDA_USD_PER_MILLION_REQUESTS}/M + ${num(gbSeconds, 0)} GB-s (measured p50 as duration: start ${num(start.ms, 1)}, report ${num(report.ms, 1)}, complete ${num(complete.ms, 1)}, get ${num(get.ms, 1)} ms, at 0.5 GB) × $${cost.LAMBDA_ARM64_USD_PER_GB_SECOND}`,
      usd: (requests / 1e6) * cost.LAMBDA_USD_PER_MILLION_REQUESTS + gbSeconds * cost.LAMBDA_ARM64_USD_PER_GB_SECOND,
    },
    {
      line: 'DynamoDB (API): request units',
      formula: `${millions(wru)} WRU × $${cost.DYNAMODB_USD_PER_MILLION_WRU}/M + ${millions(rru)} RRU × $${cost.DYNAMODB_USD_PER_MILLION_RRU}/M (section 1's units per request: start ${num(start.wru, 1)}, report ${num(report.wru, 1)}, complete ${num(complete.wru, 1)} WRU as DynamoDB Local reports them, which is low for transactions: section 10)`,
      usd: (wru / 1e6) * cost.DYNAMODB_USD_PER_MILLION_WRU + (rru / 1e6) * cost.DYNAMODB_USD_PER_MILLION_RRU,
    },
    {
      line: 'Cognito (Essentials)',
      formula: `${USERS_PER_PLANT} monthly active users × $${COGNITO_ESSENTIALS_USD_PER_MAU}`,
      usd: USERS_PER_PLANT * COGNITO_ESSENTIALS_USD_PER_MAU,
    },
    {
      line: 'CloudWatch Logs ingestion (API)',
      formula: `${millions(requests)} requests × ${LOG_BYTES_PER_REQUEST} B (estimated) = ${num(logGb, 2)} GB × $${CLOUDWATCH_LOGS_INGEST_USD_PER_GB}`,
      usd: logGb * CLOUDWATCH_LOGS_INGEST_USD_PER_GB,
    },
    {
      line: 'CloudWatch custom metrics with the tenant dimension',
      formula: `${METRICS_PER_PLANT} metrics × $${CLOUDWATCH_CUSTOM_METRIC_USD_PER_MONTH}`,
      usd: METRICS_PER_PLANT * CLOUDWATCH_CUSTOM_METRIC_USD_PER_MONTH,
    },
    {
      // The web ACL is on the web app's CloudFront distribution: it sees the app's files, not the
      // API's requests (an HTTP API takes no WAF; docs/operations.md).
      line: 'WAF requests (the web app on CloudFront)',
      formula: priced.webAcls
        ? `${USERS_PER_PLANT} users × ${WEB_REQUESTS_PER_USER_DAY} requests a day (app opens: the shell and its chunks) × ${DAYS} days = ${millions(webRequests)} requests × $${WAF_USD_PER_MILLION_REQUESTS}/M`
        : 'no web ACL in the templates',
      usd: priced.webAcls ? (webRequests / 1e6) * WAF_USD_PER_MILLION_REQUESTS : 0,
    },
    {
      line: 'X-Ray traces (API)',
      formula: `${millions(traces)} traces (the first each second, then ${100 * XRAY_SAMPLED_SHARE} %) × $${XRAY_USD_PER_MILLION_TRACES}/M`,
      usd: (traces / 1e6) * XRAY_USD_PER_MILLION_TRACES,
    },
  ];

  const floor: cost.CostLine[] = [
    {
      line: 'CloudWatch alarms',
      formula: `${priced.alarms} alarms in the templates × $${CLOUDWATCH_ALARM_USD_PER_MONTH}`,
      usd: priced.alarms * CLOUDWATCH_ALARM_USD_PER_MONTH,
    },
    {
      line: 'CloudWatch dashboards',
      formula: `${priced.dashboards} × $${CLOUDWATCH_DASHBOARD_USD_PER_MONTH}`,
      usd: priced.dashboards * CLOUDWATCH_DASHBOARD_USD_PER_MONTH,
    },
    {
      line: 'WAF web ACLs and rules',
      formula: `${priced.webAcls} web ACL(s) × $${WAF_WEB_ACL_USD_PER_MONTH} + ${priced.webAclRules} rules × $${WAF_RULE_USD_PER_MONTH}`,
      usd: priced.webAcls * WAF_WEB_ACL_USD_PER_MONTH + priced.webAclRules * WAF_RULE_USD_PER_MONTH,
    },
    { line: 'KMS keys', formula: `${priced.kmsKeys} keys × $${KMS_KEY_USD_PER_MONTH}`, usd: priced.kmsKeys * KMS_KEY_USD_PER_MONTH },
    {
      line: 'Kinesis: the least stream (idle)',
      formula: `1 shard × 720 h × $${cost.KINESIS_SHARD_HOUR_USD} (the templates provision ${priced.kinesisShards}; an idle deployment needs 1)`,
      usd: 720 * cost.KINESIS_SHARD_HOUR_USD,
    },
    {
      line: 'Everything else idle',
      formula: `${priced.functions} functions, ${priced.schedules} schedules, API, user pool, table (on demand), IoT, CloudFront: $0 without traffic (the schedules' runs are cents)`,
      usd: 0,
    },
  ];
  const floorTotal = floor.reduce((n, l) => n + l.usd, 0);
  const perPlantTotal = perPlant.reduce((n, l) => n + l.usd, 0);
  const shardFloor = 720 * cost.KINESIS_SHARD_HOUR_USD;
  const at = PLANT_COUNTS.map((plants) => {
    const shards = shardsFor({ units: plants * cost.PLANT_UNITS, messagesPerUnitPerSecond: recordsPerSecond / cost.PLANT_UNITS, recordBytes });
    // Past the provisioned range, on demand: priced per shard-equivalent as provisioned (a lower bound).
    const shardCount = shards === 'on-demand' ? Math.ceil((plants * recordsPerSecond) / 500) : shards;
    const shardUsd = shardCount * 720 * cost.KINESIS_SHARD_HOUR_USD;
    // The floor already holds one shard.
    const total = floorTotal - shardFloor + shardUsd + plants * perPlantTotal;
    return { plants, shards, shardUsd, total, perPlant: total / plants };
  });
  return { floor, floorTotal, perPlant, perPlantTotal, recordsPerSecond, recordBytes, at };
}

export function renderSaasCost(c: SaasCost | undefined, error: string | undefined, out: (...lines: string[]) => void): void {
  out('## 11. The whole deployment: cost per plant-month at 1, 10 and 100 plants, and the idle floor (issue 17)', '');
  if (!c) {
    out(`Not computed: ${error ?? 'section 7 did not run'}.`, '');
    return;
  }
  const usd = cost.formatUsd;
  out(
    'Computed by bench/saas-cost.ts from this run: the 200-unit plant of section 7.4 (its lines, less the Kinesis shards, which the fleet shares), ' +
      "the shop-floor requests' units and p50 of sections 1 and 2, and the resources with a monthly price counted in the synthesized templates (section 3's synth). " +
      'What a plant does in a day is an assumption stated in each line. Prices: us-east-1 list prices, free tiers left out.',
    '',
    '### 11.1 The idle floor: a deployment with no plant',
    '',
    '| Line | Formula | $ / month |',
    '|---|---|---|',
    ...c.floor.map((l) => `| ${l.line} | ${l.formula} | ${usd(l.usd)} |`),
    `| **Floor** | | **${usd(c.floorTotal)}** |`,
    '',
    '### 11.2 One plant of 200 units, a month',
    '',
    '| Line | Formula | $ / month |',
    '|---|---|---|',
    ...c.perPlant.map((l) => `| ${l.line} | ${l.formula} | ${usd(l.usd)} |`),
    `| **Per plant** | | **${usd(c.perPlantTotal)}** |`,
    '',
    '### 11.3 At 1, 10 and 100 plants',
    '',
    `The stream is sized by infra/stream-capacity.ts for ${num(c.recordsPerSecond, 1)} records a second per plant of ${num(c.recordBytes, 0)} B (measured in section 7).`,
    '',
    '| Plants | Kinesis shards | Shards $ / month | Deployment $ / month | Per plant-month |',
    '|---|---|---|---|---|',
    ...c.at.map((a) => `| ${a.plants} | ${a.shards} | ${usd(a.shardUsd)} | ${usd(a.total)} | **${usd(a.perPlant)}** |`),
    '',
  );
}

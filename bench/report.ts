/** Renders bench/RESULTS.md: every figure next to its target, PASS or FAIL. Figures are never edited by hand. */
import { API_ORDER, API_REQUESTS, type ApiFigure, type ApiRequest } from './api.ts';
import { HOUSE_TARGET_NAMES, renderHouse, type ColdResults } from './house.ts';
import type { StackResults } from './stacks.ts';
import type { WalkResults } from './walk.ts';
import type { FloorCall } from './floor.ts';
import type { Machine } from './machine.ts';
import type { Latency } from './stats.ts';
import { renderTelemetry, TELEMETRY_TARGET_NAMES } from './telemetry-report.ts';
import type { TelemetryResults } from './telemetry.ts';
import { renderWebhooks, type WebhookResults } from './webhooks.ts';
import { renderWeb, WEB_TARGET_NAMES, type WebResults } from './web.ts';
import { PLANT_LIVE_TARGET_NAMES, type PlantLiveResults } from './plant-live.ts';
import { renderPlantLive } from './plant-live-report.ts';
import { GENEALOGY_TARGET_NAMES, type GenealogyResults } from './genealogy.ts';
import { renderGenealogy } from './genealogy-report.ts';
import { SPC_TARGET_NAMES, type SpcResults } from './spc.ts';
import { renderSpc } from './spc-report.ts';
import { type AuditResults, renderAudit } from './audit.ts';
import { type PeopleResults, renderPeople } from './people-report.ts';
import { renderSaasCost, saasCost } from './saas-cost.ts';

export const TARGETS = { latencyRatio: 1.5 } as const;

export type ApiResult = Omit<ApiFigure, 'figure'> & { latency: Latency };
export interface FloorResult {
  call: FloorCall;
  concurrency: number;
  latency: Latency;
}

export interface Results {
  machine: Machine;
  loadAverage: { before: number[]; after: number[] };
  seconds: number;
  settings: { samples: number; rounds: number; maxSecondsPerFigure: number; coldRuns: number; itemsPerTransaction: number; orders: number };
  sdkCommands: string[];
  api: ApiResult[];
  floor: FloorResult[];
  stacks: StackResults;
  cold: ColdResults;
  walk: WalkResults | undefined;
  walkError: string | undefined;
  telemetry: TelemetryResults;
  webhooks: WebhookResults;
  web: WebResults;
  plantLive: PlantLiveResults | undefined;
  plantLiveError: string | undefined;
  genealogy: GenealogyResults | undefined;
  genealogyError: string | undefined;
  spc?: SpcResults | undefined;
  spcError?: string | undefined;
  audit?: AuditResults | undefined;
  auditError?: string | undefined;
  people?: PeopleResults | undefined;
}

const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const x = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}x` : 'n/a');
const _pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(0)}%`;
const _kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
const READS = new Set(['GetItem', 'Query']);

/** The targets, as the summary names them. */
const T = {
  calls: '1. No Scan; each read one GetItem or Query; each command one TransactWriteItems plus reads',
  legal: '2. Every measured request answered 200 (a legal transition)',
  latency: `2. API p50 within ${TARGETS.latencyRatio}x of the like-for-like floor (command: Query+TransactWriteItems; get: Query)`,
  latencyBareWrite: `2. Command p50 within ${TARGETS.latencyRatio}x of a bare TransactWriteItems`,
  ...HOUSE_TARGET_NAMES,
  ...TELEMETRY_TARGET_NAMES,
  ...WEB_TARGET_NAMES,
  ...PLANT_LIVE_TARGET_NAMES,
  ...GENEALOGY_TARGET_NAMES,
  ...SPC_TARGET_NAMES,
};

/** Target 1: no Scan; a read is one GetItem or Query; a command is one TransactWriteItems plus reads. */
export function callsPass(request: ApiRequest, calls: string): boolean {
  const list = calls.split(',').filter(Boolean);
  if (request === 'getWorkOrder') return list.length === 1 && READS.has(list[0] as string);
  return list.filter((c) => c === 'TransactWriteItems').length === 1 && list.every((c) => c === 'TransactWriteItems' || READS.has(c));
}

export function renderResults(r: Results): string {
  const floor = (call: FloorCall, c: number) => r.floor.find((f) => f.call === call && f.concurrency === c);
  const verdicts = new Map<string, boolean[]>();
  const judge = (target: string, pass: boolean) => {
    verdicts.set(target, [...(verdicts.get(target) ?? []), pass]);
    return verdict(pass);
  };
  const lines: string[] = [];
  const out = (...more: string[]) => lines.push(...more);

  out('# Bench results', '', 'Written by `npm run bench` (bench/run.ts). Every figure below comes from one run; none is edited by hand.', '');
  out('## Machine', '');
  out('| | |', '|---|---|');
  out(`| CPU | ${r.machine.cpu} |`, `| Cores | ${r.machine.cores} |`, `| Memory | ${r.machine.memoryGiB} GiB |`, `| OS | ${r.machine.os} |`);
  out(`| Node.js | ${r.machine.node} |`, `| Java | ${r.machine.java} |`, `| Date | ${r.machine.date} |`);
  out(
    `| Load average (1/5/15 min) before / after | ${r.loadAverage.before.map((n) => n.toFixed(2)).join(' ')} / ${r.loadAverage.after.map((n) => n.toFixed(2)).join(' ')} |`,
  );
  out(`| Bench duration | ${r.seconds.toFixed(0)} s |`, '');
  const s = r.settings;
  out(
    `Settings: up to ${s.samples} samples per latency figure (and at most ${s.maxSecondsPerFigure} s each), after a warm-up, gathered in ${s.rounds} rounds ` +
      `in which floor and API take turns (so both see the same background load); ${s.orders} released orders, ` +
      `each driven once through start, report and complete of operation 10; cold start = median of ${s.coldRuns} fresh \`node\` processes (section 3). DynamoDB Local in memory, started by infra/local; ` +
      'the API runs in this process (infra/local runtime, handlers in-process), so client, local API Gateway and handlers share one event loop.',
    '',
  );

  out('## 1. DynamoDB calls and request units per request', '');
  out(
    "Read from the `x-mes-dynamodb` header of every measured response (ReturnConsumedCapacity on the real code path, DynamoDB Local's accounting).",
  );
  out('Target: no Scan anywhere; every read is one GetItem or Query; every command is one TransactWriteItems (plus its reads).', '');
  out('| Request | Calls (responses) | Read RU min / mean / max | Write RU min / mean / max | Target |', '|---|---|---|---|---|');
  for (const name of API_ORDER) {
    const usage = r.api.filter((f) => f.request === name).flatMap((f) => f.usage);
    const byCalls = new Map<string, number>();
    for (const u of usage) byCalls.set(u.calls, (byCalls.get(u.calls) ?? 0) + 1);
    const calls = [...byCalls].map(([c, n]) => `${c || '(none)'} (${n})`).join('; ');
    const range = (values: number[]) =>
      values.length ? `${Math.min(...values)} / ${(values.reduce((a, b) => a + b, 0) / values.length).toFixed(2)} / ${Math.max(...values)}` : 'n/a';
    const pass = usage.length > 0 && [...byCalls.keys()].every((c) => callsPass(name, c));
    out(
      `| ${API_REQUESTS[name].label} | ${calls} | ${range(usage.map((u) => u.rru))} | ${range(usage.map((u) => u.wru))} | ${judge(T.calls, pass)} |`,
    );
  }
  const noScan = !r.sdkCommands.some((c) => /Scan/.test(c));
  out(
    '',
    `SDK commands constructed anywhere in shared/ and functions/: ${r.sdkCommands.join(', ')}. No Scan in the code: ${judge(T.calls, noScan)}.`,
    '',
  );

  out('## 2. Latency over local HTTP, and the DynamoDB floor', '');
  out('### Floor: raw AWS SDK against the same DynamoDB Local, same run', '');
  out(
    `GetItem and Query are exactly the API's reads (consistent; Query = a real order's header and operations). TransactWriteItems = ${s.itemsPerTransaction} conditional Puts ` +
      "copied from a real command's items (header, operation, audit record, two outbox events: a start writes 5, a report 4, a complete 5 or 6). " +
      'Query+TransactWriteItems = the two back to back, which is what a command does.',
    '',
  );
  out('| Call | Clients | Samples | p50 ms | p99 ms | Calls/s |', '|---|---|---|---|---|---|');
  for (const f of r.floor)
    out(`| ${f.call} | ${f.concurrency} | ${f.latency.samples} | ${ms(f.latency.p50)} | ${ms(f.latency.p99)} | ${f.latency.rate.toFixed(0)} |`);
  out('');
  out('### API', '');
  out(
    `Target: API p50 within ${TARGETS.latencyRatio}x of the bare DynamoDB round trip. A command does one Query + one TransactWriteItems, ` +
      'so it is compared with the floor Query+TransactWriteItems (the like-for-like floor) and, as asked, with a bare TransactWriteItems; ' +
      'get work order does one Query and is compared with the floor Query. Each ratio has its own verdict. p99 is shown beside the floor p99 without a target.',
    '',
  );
  out(
    '| Request | Clients | Samples | Errors | p50 ms | p99 ms | Req/s | Floor | Floor p50 / p99 ms | p50 ratio | Target |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const f of r.api) {
    const floors: FloorCall[] = f.request === 'getWorkOrder' ? ['Query'] : ['Query+TransactWriteItems', 'TransactWriteItems'];
    for (const call of floors) {
      const base = floor(call, f.concurrency);
      const ratio = base ? f.latency.p50 / base.latency.p50 : Number.NaN;
      out(
        `| ${API_REQUESTS[f.request].label} | ${f.concurrency} | ${f.latency.samples} | ${f.latency.errors} | ${ms(f.latency.p50)} | ${ms(f.latency.p99)} | ${f.latency.rate.toFixed(0)} ` +
          `| ${call} | ${ms(base?.latency.p50 ?? Number.NaN)} / ${ms(base?.latency.p99 ?? Number.NaN)} | ${x(ratio)} | ${judge(call === 'TransactWriteItems' ? T.latencyBareWrite : T.latency, ratio <= TARGETS.latencyRatio)} |`,
      );
    }
  }
  const failures = r.api.flatMap((f) => f.failures.map((m) => `- ${f.request} at ${f.concurrency}: ${m}`));
  const errorsPass = r.api.every((f) => f.latency.errors === 0 && f.latency.samples > 0);
  out('', `Every measured request answered 200 (a legal transition): ${judge(T.legal, errorsPass)}.`, ...failures, '');

  renderHouse({ stacks: r.stacks, cold: r.cold, walk: r.walk, walkError: r.walkError }, { out, judge });

  renderTelemetry(r.telemetry, { out, judge });
  renderWebhooks(r.webhooks, out);
  renderWeb(r.web, { out, judge });
  renderPlantLive(r.plantLive, r.plantLiveError, r.telemetry, { out, judge });
  renderGenealogy(r.genealogy, r.genealogyError, { out, judge });
  renderSpc(r.spc, r.spcError, { out, judge });
  renderAudit(r.audit, r.auditError, { out });
  renderSaasCost(
    r.plantLive ? saasCost(r.stacks.today.priced, r.api, r.plantLive, r.telemetry) : undefined,
    r.plantLive ? undefined : `section 7 did not run (${r.plantLiveError ?? 'no figures'})`,
    out,
  );
  renderPeople(r.people ?? {}, { out, judge });

  const summary = ['## Summary', '', '| Target | Checks | Pass | Fail | Verdict |', '|---|---|---|---|---|'];
  for (const target of Object.values(T)) {
    const list = verdicts.get(target) ?? [];
    const passed = list.filter(Boolean).length;
    summary.push(`| ${target} | ${list.length} | ${passed} | ${list.length - passed} | ${verdict(passed === list.length)} |`);
  }
  lines.splice(4, 0, ...summary, '');
  return `${lines.join('\n')}\n`;
}

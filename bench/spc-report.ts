/** Section 9 of bench/RESULTS.md (issue 15): renders bench/spc.ts's chart figures. */
import { SPC_SHAPE, SPC_TARGET_NAMES, SPC_TARGETS, type SpcResults } from './spc.ts';
import { median } from './stats.ts';

type Sink = { out: (...lines: string[]) => void; judge: (target: string, pass: boolean) => string };

const num = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 }) : 'n/a');
const range = (list: number[]) => `${num(median(list), 1)} (${num(Math.min(...list), 1)}–${num(Math.max(...list), 1)})`;
const calls = (c: Record<string, number>) =>
  `${Object.values(c).reduce((a, b) => a + b, 0)} (${Object.entries(c)
    .map(([name, n]) => `${n} ${name}`)
    .join(', ')})`;

export function renderSpc(r: SpcResults | undefined, error: string | undefined, { out, judge }: Sink): void {
  out('## 9. SPC: a 30-day control chart over 100,000 values (issue 15)', '');
  if (!r) {
    out(`Not measured: ${error ?? 'the section did not run'}.`, '');
    for (const name of Object.values(SPC_TARGET_NAMES)) judge(name, false);
    return;
  }
  out(
    `Measured by bench/spc.ts on a runtime of its own (DynamoDB Local in memory). ${num(r.values)} values of one characteristic (a routing's recorded torque) in ${num(r.subgroups)} subgroups of ${SPC_SHAPE.subgroupSize} ` +
      `over the last ${SPC_SHAPE.days} days, written straight to the table with the repository's item builder (\`spcValueItems\`: one list_append Update per characteristic and hour) as ${num(r.hourItems)} hour items ` +
      `in ${num(r.writeSeconds, 1)} s: ${num(r.writeCalls)} DynamoDB calls, ${num(r.wru)} WRU. ` +
      `The chart: X-bar/R of the last ${SPC_SHAPE.days} days, limits from the data, the eight Nelson rules on every point, capability against the routing's limits; ${r.runs} runs after one warm-up request. ` +
      'In-process is the service alone (reads, decoding, the statistics); over HTTP adds auth, validation of the response and JSON. ' +
      'The floor, in the same run: bare Query pages over the same hour items, nothing decoded. Time on this shared 2-core machine is noisy: read the calls and units first.',
    '',
  );
  out(
    '| What | Time ms p50 (min–max) | DynamoDB calls | RRU (DynamoDB Local) | Of the floor |',
    '|---|---|---|---|---|',
    `| Chart, in-process (SpcService.chart) | ${range(r.service.ms)} | ${calls(r.service.calls)} | ${num(r.service.rru, 1)} | ${num(median(r.service.ms) / median(r.floor.ms), 2)}x |`,
    `| Chart, over HTTP (GET /v1/characteristics/{id}/spc, ${num(r.http.bytes / 1024)} KB of JSON) | ${range(r.http.ms)} | ${calls(r.http.calls)} | ${num(r.http.rru, 1)} | ${num(median(r.http.ms) / median(r.floor.ms), 2)}x |`,
    `| Floor: bare Query pages of the same items | ${range(r.floor.ms)} | ${r.floor.pages} Query | ${num(r.floor.rru, 1)} | 1x |`,
    '',
  );
  const queries = r.service.calls.Query ?? 0;
  out(
    `Points: ${num(r.points)} subgroups (of ${num(r.subgroups)} written): ${judge(SPC_TARGET_NAMES.spcWhole, r.points === r.subgroups)}. ` +
      `Points breaking a Nelson rule: ${num(r.violations)} (random normal data: with all eight rules on, false alarms of a few in 100 points are expected). Cpk ${r.cpk === null ? 'n/a' : num(r.cpk, 2)}. ` +
      `Query pages: ${queries} (floor ${r.floor.pages}); target at most ${SPC_TARGETS.maxPages}: ${judge(SPC_TARGET_NAMES.spcPages, queries <= SPC_TARGETS.maxPages && r.floor.pages <= SPC_TARGETS.maxPages)}.`,
    '',
  );
  const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
  out(
    '**The inspections due at an operation start.** An order released with an inspection plan on its operation (every 10th unit, sample 5): ' +
      'the plan is copied onto the operation at release, so starting the operation reads no plan (its calls below are those of the start itself); ' +
      `after a report of 20 units (${r.due.inspections} inspections on the list), the due list over HTTP (calls from the runtime's \`x-mes-dynamodb\` header):`,
    '',
    '| Request | DynamoDB calls |',
    '|---|---|',
    `| Start the operation (POST …/operations/10/start) | ${calls(r.due.start)} |`,
    `| What is due (GET /v1/work-orders/{id}/inspections?seq=10&results=false) | ${calls(r.due.withoutResults)} |`,
    `| What is due, with the recorded results (GET …/inspections?seq=10) | ${calls(r.due.withResults)} |`,
    '',
    `Target: the due list is at most ${SPC_TARGETS.maxDueCalls} calls with its results: ${judge(SPC_TARGET_NAMES.dueCalls, total(r.due.withResults) <= SPC_TARGETS.maxDueCalls && total(r.due.withoutResults) <= 1)}.`,
    '',
  );
}

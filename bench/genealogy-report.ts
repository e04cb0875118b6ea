/** Section 8 of bench/RESULTS.md (issue 14): renders bench/genealogy.ts's trace figures. */
import { GENEALOGY_TARGET_NAMES, GENEALOGY_TARGETS, type GenealogyResults, genealogyMedian as median } from './genealogy.ts';

type Sink = { out: (...lines: string[]) => void; judge: (target: string, pass: boolean) => string };

const num = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 }) : 'n/a');
const range = (list: number[]) => `${num(median(list), 1)} (${num(Math.min(...list), 1)}–${num(Math.max(...list), 1)})`;

export function renderGenealogy(r: GenealogyResults | undefined, error: string | undefined, { out, judge }: Sink): void {
  out('## 8. Genealogy: a full trace both ways (issue 14)', '');
  if (!r) {
    out(`Not measured: ${error ?? 'the section did not run'}.`, '');
    for (const name of Object.values(GENEALOGY_TARGET_NAMES)) judge(name, false);
    return;
  }
  const size = r.lots + r.serials;
  out(
    `Measured by bench/genealogy.ts on a runtime of its own (DynamoDB Local in memory). A generated genealogy of 5 levels: supplier lots -> intermediate lots -> sub-assembly lots -> finished lots -> serials, ` +
      `${num(r.lots)} lots and ${num(r.serials)} serials (${num(size)} nodes), ${num(r.edges)} edges; each made lot or serial consumes 2-3 lots (fan-in), each lot goes into several (fan-out), ` +
      "and sub-assemblies and serials also take lots from two levels down (diamonds). Written straight to the table with the edge writer (each made node's inputs in one transaction, 8 in flight) " +
      `in ${num(r.writeSeconds, 1)} s: ${num(r.writeCalls)} DynamoDB calls, ${num(r.wru)} WRU (records, edge items both ways, adjacency chunks and slot reservations). ` +
      `Target: a genealogy of 5 levels and at least ${num(GENEALOGY_TARGETS.nodes)} lots and serials: ${judge(GENEALOGY_TARGET_NAMES.genealogySize, size >= GENEALOGY_TARGETS.nodes)}.`,
    '',
  );
  out(
    `Each trace is read through the real API handler over local HTTP, every page (1,000 nodes a page), ${r.runs} runs; calls and RRU from the \`x-mes-dynamodb\` header of each page. ` +
      "The floor, in the same run: the same number of bare Queries (Limit 1) as the trace made, in the same rounds (a round's calls in parallel, rounds one after another). " +
      'The data floor: bare BatchGetItem calls of the same keys (records and first adjacency chunks; 100 a call, 16 in flight), in the same rounds: what DynamoDB Local takes to return the data, without HTTP, auth, JSON or the walk. ' +
      'Beside it the design the issue rules out: one Query per node (its edge items; records not even read), level by level, 16 in flight. ' +
      'RRU as DynamoDB Local reports it (it charges nothing for a key that is not there), and as an AWS table would charge (0.5 per key read, eventually consistent, items under 4 KB, a missing item too; a Query at least 0.5). ' +
      'Time on this shared 2-core machine is noisy: read the calls and units first.',
    '',
  );
  out(
    '| Trace | Levels | Nodes (in memory) | Edges | Pages | Time ms p50 (min–max) | DynamoDB calls | RRU: DynamoDB Local / AWS model | Floor ms p50 (min–max) | Trace / floor | Data floor ms p50 (min–max) | Trace / data floor | One Query per node: calls, RRU (Local / AWS at least), ms p50 | Whole |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const t of r.traces) {
    const calls = Object.entries(t.callNames)
      .map(([c, n]) => `${n} ${c}`)
      .join(', ');
    out(
      `| ${t.label} (\`${t.root.kind}:${t.root.id}\`) | ${t.levels} | ${num(t.nodes)} (${num(t.expectedNodes)}) | ${num(t.edges)} | ${t.pages} | ${range(t.ms)} | ${t.calls} (${calls}) | ${num(t.rru, 1)} / ${num(t.awsRru, 1)} ` +
        `| ${range(t.floorMs)} | ${num(median(t.ms) / median(t.floorMs), 2)}x | ${range(t.batchFloorMs)} | ${num(median(t.ms) / median(t.batchFloorMs), 2)}x | ${num(t.perNode.calls)}, ${num(t.perNode.rru, 1)} / ${num(t.perNode.calls / 2, 1)}, ${num(median(t.perNode.ms), 1)} | ${judge(GENEALOGY_TARGET_NAMES.genealogyComplete, t.complete)} |`,
    );
  }
  out('');
  out(
    "Nodes per level, and the walk's read rounds (keys asked: node records + adjacency; DynamoDB calls). A page that starts inside the trace walks the adjacency of the levels before it again (never their records): that is the price of a cursor that keeps no state.",
    '',
  );
  out('| Trace | Nodes per level | Rounds: records + adjacency -> calls | Most calls per 100 nodes of a round | Target |', '|---|---|---|---|---|');
  for (const t of r.traces) {
    const perHundred = t.rounds.map((x) => x.calls / Math.max(1, Math.ceil(Math.max(x.nodes, x.adjacency) / 100)));
    const worst = Math.max(...perHundred);
    out(
      `| ${t.label} | ${t.perLevel.map((n) => num(n)).join(' / ')} | ${t.rounds.map((x) => `${x.nodes}+${x.adjacency}->${x.calls}`).join(', ')} | ${num(worst, 2)} ` +
        `| ${judge(GENEALOGY_TARGET_NAMES.genealogyCalls, worst <= GENEALOGY_TARGETS.callsPer100Nodes)} |`,
    );
  }
  out('');
}

/**
 * Section 9 alone (bench/spc.ts), for working on it: `npx tsx bench/spc-only.ts`.
 * Prints the section as RESULTS.md would hold it; writes nothing. BENCH_SPC_RUNS sets the runs.
 */
import { consoleLog } from '../infra/local/http-server.ts';
import { closeClient } from './http-client.ts';
import { measureSpc } from './spc.ts';
import { renderSpc } from './spc-report.ts';

const started = Date.now();
const step = (message: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);
const lines: string[] = [];
try {
  const results = await measureSpc({ step, log: { info: () => {}, error: consoleLog.error } });
  renderSpc(results, undefined, { out: (...l) => lines.push(...l), judge: (_t, pass) => (pass ? 'PASS' : 'FAIL') });
  console.log(lines.join('\n'));
} finally {
  closeClient();
}

/**
 * Section 8 alone (bench/genealogy.ts), for working on it: `npx tsx bench/genealogy-only.ts`.
 * Prints the section as RESULTS.md would hold it; writes nothing. BENCH_GENEALOGY_RUNS sets the runs.
 */
import { consoleLog } from '../infra/local/http-server.ts';
import { closeClient } from './http-client.ts';
import { measureGenealogy } from './genealogy.ts';
import { renderGenealogy } from './genealogy-report.ts';

const started = Date.now();
const step = (message: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);
const lines: string[] = [];
try {
  const results = await measureGenealogy({ step, log: { info: () => {}, error: consoleLog.error } });
  renderGenealogy(results, undefined, { out: (...l) => lines.push(...l), judge: (_t, pass) => (pass ? 'PASS' : 'FAIL') });
  console.log(lines.join('\n'));
} finally {
  closeClient();
}

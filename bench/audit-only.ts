/**
 * Section 10 alone (bench/audit.ts), for working on it: `npx tsx bench/audit-only.ts`.
 * Prints the section as RESULTS.md would hold it; writes nothing.
 */
import { consoleLog } from '../infra/local/http-server.ts';
import { measureAudit, renderAudit } from './audit.ts';

const started = Date.now();
const step = (message: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);
const lines: string[] = [];
const results = await measureAudit({ step, log: { info: () => {}, error: consoleLog.error } });
renderAudit(results, undefined, { out: (...l) => lines.push(...l) });
console.log(lines.join('\n'));

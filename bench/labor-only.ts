/**
 * The labor section alone (bench/labor.ts), for working on it: `npx tsx bench/labor-only.ts`.
 * Prints the section as RESULTS.md would hold it; writes nothing.
 */
import { consoleLog } from '../infra/local/http-server.ts';
import { measureLabor, renderLabor } from './labor.ts';

const started = Date.now();
const step = (message: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);
const lines: string[] = [];
renderLabor(await measureLabor({ step, log: { info: () => {}, error: consoleLog.error } }), { out: (...l) => lines.push(...l) });
console.log(lines.join('\n'));

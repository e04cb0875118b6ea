/**
 * The qualification gate's cost alone (bench/qualifications.ts), for working on it:
 * `npx tsx bench/qualifications-only.ts`. Prints the section; writes nothing.
 */
import { consoleLog } from '../infra/local/http-server.ts';
import { measureQualifications, renderQualifications } from './qualifications.ts';

const started = Date.now();
const step = (message: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);
const results = await measureQualifications({ step, log: { info: () => {}, error: consoleLog.error }, samples: 10 });
renderQualifications(results);
process.exit(results.ok ? 0 : 1);

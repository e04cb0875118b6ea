/**
 * `npm test [-- filter...]`: every test/**\/*.test.ts (or those whose path contains one of the
 * filters) on Node's test runner, against ONE in-memory DynamoDB Local started here. Files run
 * one at a time; tests isolate themselves by tenant id, so they share one table.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV } from '../shared/config.ts';
import { ensureTable, LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from '../infra/local/dynamodb.ts';
import { BROWSER_REQUIRED, CHROMIUM, CHROMIUM_INSTALL } from './helpers/chromium.ts';

const TEST_TABLE_NAME = 'mes-test';

const root = fileURLToPath(new URL('..', import.meta.url));
const testDir = join(root, 'test');

/** Node 20's runner does not expand globs, so the files are listed here. */
function findTestFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findTestFiles(path);
      return entry.name.endsWith('.test.ts') ? [path] : [];
    })
    .sort();
}

const filters = process.argv.slice(2);
const files = findTestFiles(testDir)
  .map((file) => relative(root, file))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)));
if (files.length === 0) {
  console.error(`npm test: no test file under test/ matches ${filters.join(', ')}`);
  process.exit(1);
}

// The browser tests need Chromium: without it they are skipped, said once here; CI requires it.
if (!existsSync(CHROMIUM)) {
  if (BROWSER_REQUIRED) {
    console.error(`npm test: MES_REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM}; install it: ${CHROMIUM_INSTALL}`);
    process.exit(1);
  }
  console.log(`npm test: no Chromium at ${CHROMIUM}, so the browser tests are skipped (install it: ${CHROMIUM_INSTALL}; or set MES_CHROMIUM).`);
}

// The whole run also holds the tree to the one formatter and linter (Biome, `npm run lint`).
if (filters.length === 0) {
  const lint = spawnSync(process.execPath, [join(root, 'node_modules/@biomejs/biome/bin/biome'), 'check', '--error-on-warnings', '.'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (lint.status !== 0) {
    console.error('npm test: Biome found formatting or lint errors (above); `npm run format` fixes the formatting and the safe ones.');
    process.exit(1);
  }
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const dynamoDb = await startDynamoDbLocal();
let exitCode = 1;
try {
  await ensureTable(dynamoDb.endpoint, TEST_TABLE_NAME);
  exitCode = await runTests(files, {
    ...process.env,
    [ENV.dynamoDbEndpoint]: dynamoDb.endpoint,
    [ENV.tableName]: TEST_TABLE_NAME,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  });
} finally {
  await dynamoDb.stop();
}
process.exit(exitCode);

function runTests(testFiles: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...testFiles], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  // Ctrl-C reaches the child through the terminal too; a plain kill of this process must as well.
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ? 1 : (code ?? 1)));
  });
}

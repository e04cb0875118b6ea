/**
 * Issue 11's figures, each beside its floor or limit from the same run: CloudFormation
 * resources per stack (bench/stacks.ts), the cold start of each API function against a
 * hand-written DynamoDB request (bench/cold-start.ts), and how many functions a supervisor's
 * first walk through the app touches (bench/walk.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../infra/local/dynamodb.ts';
import type { Runtime } from '../infra/local/runtime.ts';
import type { ApiFunctionId } from '../shared/api/functions.ts';
import { keys } from '../shared/db/keys.ts';
import {
  apiTargets,
  buildLikeConstruct,
  type ColdRequest,
  type ColdRow,
  type ColdTarget,
  floorTarget,
  measureColdStarts,
  medianOf,
  ONE_ROUTE_COMMIT,
  oneRouteTarget,
  sdkTargets,
} from './cold-start.ts';
import { TENANT, type Tokens } from './fixtures.ts';
import { STACK_TARGETS, type StackResults, EXTRA_ROUTES } from './stacks.ts';
import type { WalkResults } from './walk.ts';

export const HOUSE_TARGETS = { coldRatio: 2, walkFunctions: 3 } as const;
export const HOUSE_TARGET_NAMES = {
  stacksToday: `3. Every stack at most ${STACK_TARGETS.today} CloudFormation resources today`,
  stacksProjected: `3. Every stack under ${STACK_TARGETS.projected} resources with ${EXTRA_ROUTES} more routes`,
  cold: `3. Each API function's cold start (import and first request) at most ${HOUSE_TARGETS.coldRatio}x the floor process`,
  walk: `3. A supervisor's first walk after deploy touches at most ${HOUSE_TARGETS.walkFunctions} functions`,
} as const;

export interface ColdResults {
  rows: ColdRow[];
  runs: number;
  notes: string[];
}

/** Cold starts of the API functions, the floor, the old one-route bundle and the SDK variants, against the runtime's DynamoDB Local. */
export async function measureCold(runtime: Runtime, tokens: Tokens, orderId: string, options: { runs: number; maxMs: number }): Promise<ColdResults> {
  const dir = mkdtempSync(join(tmpdir(), 'mes-bench-cold-'));
  const notes: string[] = [];
  try {
    const key = keys.workOrder(TENANT, orderId);
    const requests: Partial<Record<ApiFunctionId, ColdRequest>> = {
      orders: { route: 'getWorkOrder', pathParameters: { id: orderId }, token: tokens.supervisor },
      masterData: { route: 'getMaterial', pathParameters: { id: 'FG-BENCH' }, token: tokens.supervisor },
      equipment: { route: 'getPlantStatus', token: tokens.supervisor },
      integration: { route: 'listWebhookEndpoints', token: tokens.admin },
      system: { route: 'getHealth' },
    };
    notes.push(
      'Not in the table: erpInbound, whose one route is a POST signed with an integration credential (it writes; the webhooks section measures signed inbound events per second).',
    );
    const api = await apiTargets(dir, requests, runtime.identity);
    const targets: ColdTarget[] = [floorTarget(dir, key, runtime.tableName), ...api.filter((t) => t.group === 'api')];
    const old = await oneRouteTarget(dir, 'work-orders/get-work-order', buildLikeConstruct);
    if ('error' in old) notes.push(`The old one-route bundle is not shown: ${old.error}.`);
    else {
      // As before issue 11: the function gets the bearer token alone and verifies it against the JWKS itself.
      const orders = api.find((t) => t.group === 'api' && t.name.startsWith('orders'))?.event as { requestContext: Record<string, unknown> };
      const { authorizer: _, ...requestContext } = orders.requestContext;
      targets.push({
        ...old,
        event: { ...orders, requestContext },
        env: { AUTH_ISSUER: runtime.identity.issuer, AUTH_AUDIENCE: runtime.identity.audience, AUTH_JWKS_URL: runtime.identity.jwksUrl },
      });
    }
    targets.push(...api.filter((t) => t.group === 'sdk'), ...(await sdkTargets(dir, key, runtime.tableName, buildLikeConstruct)));
    const rows = await measureColdStarts(targets, {
      runs: options.runs,
      maxMs: options.maxMs,
      env: {
        DYNAMODB_ENDPOINT: runtime.dynamoDbEndpoint,
        TABLE_NAME: runtime.tableName,
        AWS_REGION: LOCAL_REGION,
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        POWERTOOLS_SERVICE_NAME: 'mes-api',
        // As Lambda sets it: the DynamoDB client then takes the environment's credentials as shipped.
        AWS_LAMBDA_FUNCTION_NAME: 'bench-cold-start',
      },
    });
    return { rows, runs: Math.min(...rows.filter((r) => !r.error).map((r) => r.wallMs.length)), notes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Sink {
  out: (...lines: string[]) => void;
  judge: (target: string, pass: boolean) => string;
}

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : 'n/a');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const kb = (bytes: number | undefined) => (bytes === undefined ? '' : `${(bytes / 1000).toFixed(0)} KB`);

export function renderHouse(
  r: { stacks: StackResults; cold: ColdResults; walk?: WalkResults | undefined; walkError?: string },
  { out, judge }: Sink,
): void {
  const T = HOUSE_TARGET_NAMES;
  out("## 3. The house: CloudFormation resources, API function cold starts, a supervisor's first walk (issue 11)", '');

  out('### 3.1 CloudFormation resources per stack', '');
  out(
    `Synthesized as \`cdk synth\` builds the app (cdk.json's feature flags; without asset bundling, which changes no count). The projection adds ${EXTRA_ROUTES} routes ` +
      "of the same shape as today's (each a copy of an existing route under a new path, in its context). " +
      `An API route costs one resource (its API Gateway route); a new context would add one API function, ${r.stacks.today.perFunction} resources (function, role, policy, log group, integration, permission). ` +
      `CloudFormation's limit is ${STACK_TARGETS.limit} per stack.`,
    '',
  );
  out(`| Stack | Today (${r.stacks.today.routes} routes) | Target | With ${r.stacks.projected.routes} routes | Target |`, '|---|---|---|---|---|');
  for (const [stack, today] of Object.entries(r.stacks.today.stacks)) {
    const projected = r.stacks.projected.stacks[stack] ?? Number.NaN;
    out(
      `| ${stack} | ${today} | ${judge(T.stacksToday, today <= STACK_TARGETS.today)} | ${projected} | ${judge(T.stacksProjected, projected < STACK_TARGETS.projected)} |`,
    );
  }
  out('');

  out('### 3.2 Cold start of each API function, beside the floor', '');
  const floor = r.cold.rows.find((row) => row.group === 'floor');
  const floorMs = medianOf(floor?.wallMs ?? []);
  out(
    "A fresh `node` process per run imports the function's bundle, built as CDK builds it (infra/constructs/api-function-code.ts: esbuild, ESM, minified, split into an entry and a chunk per route), " +
      "serves one request and exits; the time is the whole process's, spawn to exit (Node's own start included, as in every row). The request is a GET that reads DynamoDB Local, " +
      "its token's claims in the request context as the JWT authorizer passes them (the health route is public and reads nothing). " +
      'Floor: a process that imports nothing but `node:http` and makes the same single DynamoDB request (a GetItem) by hand. ' +
      `Median of ${r.cold.runs} runs each after one warm-up, runs interleaved across the rows. Size = every .mjs of the function (all its routes' chunks).`,
    '',
  );
  out(
    '| Process | Size | Whole process ms (median) | Import ms | First request ms | x floor | Target | Runs ms |',
    '|---|---|---|---|---|---|---|---|',
  );
  const row = (c: ColdRow, target: string) => {
    const wall = medianOf(c.wallMs);
    out(
      `| ${c.name} | ${kb(c.bytes)} | ${f0(wall)} | ${f1(medianOf(c.importMs))} | ${f1(medianOf(c.firstMs))} | ${(wall / floorMs).toFixed(2)}x | ${target} | ${c.error ? `failed: ${c.error.split('\n')[0]}` : c.wallMs.map(f0).join(' ')} |`,
    );
  };
  if (floor) row(floor, '');
  for (const c of r.cold.rows.filter((x) => x.group === 'api'))
    row(c, judge(T.cold, !c.error && medianOf(c.wallMs) <= HOUSE_TARGETS.coldRatio * floorMs));
  for (const c of r.cold.rows.filter((x) => x.group === 'old')) row(c, '');
  out('', ...r.cold.notes);
  out(
    `The old row is ${ONE_ROUTE_COMMIT}'s get-work-order function, built from that commit's tree as its construct built it then (SDK external), its token verified against the local JWKS over HTTP.`,
    '',
  );

  out('### 3.3 What the DynamoDB client costs a cold start', '');
  out(
    "The same process shape, one consistent GetItem of the floor's item: the client bundled and tree-shaken against left external (loaded from node_modules, as on Lambda from the runtime's copy); " +
      "the bare client with only GetItem against lib-dynamodb's document client; the client imported lazily on the first request; and a route that needs no DynamoDB. " +
      'Then each API function with the SDK the other way than it ships. The choice (bundled, document client) is made by these figures.',
    '',
  );
  out('| Process | Size | Whole process ms (median) | Import ms | First request ms | x floor | Runs ms |', '|---|---|---|---|---|---|---|');
  for (const c of r.cold.rows.filter((x) => x.group === 'sdk')) {
    const wall = medianOf(c.wallMs);
    out(
      `| ${c.name} | ${kb(c.bytes)} | ${f0(wall)} | ${f1(medianOf(c.importMs))} | ${f1(medianOf(c.firstMs))} | ${(wall / floorMs).toFixed(2)}x | ${c.error ? `failed: ${c.error.split('\n')[0]}` : c.wallMs.map(f0).join(' ')} |`,
    );
  }
  out('');

  out("### 3.4 A supervisor's first walk after a deploy", '');
  out(
    'Headless Chromium at 390x844 on the runtime serving the built app, the demo plant seeded: sign in as the supervisor, the plant overview, the orders list, a released order, ' +
      'then start its operation 10, report the order’s 20 valves, record the seat-height inspection that then falls due (five heights typed, the leak check passed) and complete, through the screens. Every API request is matched against the route table as API Gateway matches it; ' +
      'on a quiet plant each distinct function is one cold start.',
    '',
  );
  if (!r.walk) {
    out(`Not measured: ${r.walkError ?? 'no walk'}. ${judge(T.walk, false)}`, '');
    return;
  }
  out('| Step | Routes called |', '|---|---|');
  for (const s of r.walk.steps) out(`| ${s.step} | ${s.routes.join(', ') || '(none)'} |`);
  const functions = Object.keys(r.walk.functions);
  out('', `Functions touched: ${functions.map((fn) => `${fn} (${r.walk?.functions[fn]?.join(', ')})`).join('; ')}.`);
  out(
    `${functions.length} functions: ${judge(T.walk, !r.walk.error && functions.length <= HOUSE_TARGETS.walkFunctions)}${r.walk.error ? ` (the walk failed: ${r.walk.error})` : ''}.`,
    '',
  );
}

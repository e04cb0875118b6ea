/**
 * The four shop-floor requests over real HTTP against the local runtime: latency at a given
 * concurrency, and the DynamoDB calls and request units each response reports in its
 * x-mes-dynamodb header (MES_EXPOSE_DDB_USAGE=1, ReturnConsumedCapacity on the real code path).
 */
import { COMPLETE_BODY, REPORT_BODY, type Tokens } from './fixtures.ts';
import { type Reply, request } from './http-client.ts';
import { Figure, type LoadOptions, load } from './stats.ts';

export const API_REQUESTS = {
  startOperation: {
    label: 'POST …/operations/10/start',
    method: 'POST',
    path: (id: string) => `/v1/work-orders/${id}/operations/10/start`,
    body: {},
  },
  reportOperation: {
    label: 'POST …/operations/10/report',
    method: 'POST',
    path: (id: string) => `/v1/work-orders/${id}/operations/10/report`,
    body: REPORT_BODY,
  },
  completeOperation: {
    label: 'POST …/operations/10/complete',
    method: 'POST',
    path: (id: string) => `/v1/work-orders/${id}/operations/10/complete`,
    body: COMPLETE_BODY,
  },
  getWorkOrder: { label: 'GET /v1/work-orders/{id}', method: 'GET', path: (id: string) => `/v1/work-orders/${id}`, body: undefined },
} as const;
export type ApiRequest = keyof typeof API_REQUESTS;
/** In the order an order goes through them: each command is legal only after the one before. */
export const API_ORDER = Object.keys(API_REQUESTS) as ApiRequest[];

export interface Usage {
  calls: string;
  rru: number;
  wru: number;
}

export interface ApiFigure {
  request: ApiRequest;
  concurrency: number;
  figure: Figure;
  usage: Usage[];
  failures: string[];
}

export const newApiFigures = (concurrency: number): ApiFigure[] =>
  API_ORDER.map((request) => ({ request, concurrency, figure: new Figure(), usage: [], failures: [] }));

const HEADER = /^calls=([^;]*);rru=([\d.]+);wru=([\d.]+)$/;

function readUsage(reply: Reply): Usage | undefined {
  const match = HEADER.exec(String(reply.headers['x-mes-dynamodb'] ?? ''));
  return match ? { calls: match[1] as string, rru: Number(match[2]), wru: Number(match[3]) } : undefined;
}

/**
 * Drives `orders` through start, report and complete, then reads each, adding to `figures`
 * (one per request, in API_ORDER). A request only goes to orders whose previous step
 * succeeded, so every one is a legal transition.
 */
export async function measureApi(baseUrl: string, tokens: Tokens, orders: string[], options: Omit<LoadOptions, 'samples'>, figures: ApiFigure[]) {
  let ready = orders;
  for (const target of figures) {
    const spec = API_REQUESTS[target.request];
    const current = ready;
    const run = await load({ ...options, samples: current.length }, async (i) => {
      const reply = await request(baseUrl, spec.method, spec.path(current[i] as string), tokens.operator, spec.body);
      const used = readUsage(reply);
      if (reply.status === 200 && used) {
        target.usage.push(used);
        return true;
      }
      if (target.failures.length < 3) target.failures.push(`${reply.status} ${used ? '' : '(no x-mes-dynamodb header) '}${reply.body.slice(0, 200)}`);
      return false;
    });
    target.figure.add(run);
    if (target.request !== 'getWorkOrder') ready = run.done.sort((a, b) => a - b).map((i) => current[i] as string);
  }
}

/**
 * The API functions: the route table's routes grouped by bounded context, one Lambda each. A
 * route names its function (`RouteDef.fn`); CDK makes one function per entry here, with the
 * union of its routes' needs as IAM, and the function routes in-process by routeKey
 * (functions/lib/api-function.ts). A new context gets an entry here and a file under
 * functions/api/; a new route in an existing context costs no new function.
 *
 * The grouping keeps a supervisor's first walk through the web app (plant, orders, an order,
 * start, report, inspect, complete) on three functions: equipment (plant status), masterData
 * (the equipment names the order screens show) and orders.
 */
import type { RouteDef } from './routes.ts';

export const API_FUNCTIONS = {
  orders:
    'Work orders and their operations, the inspections due at them and their results, the dispatch list, downtime classification: the shop floor commands',
  masterData: 'Master data (equipment, materials, BOMs, routings, personnel), shift calendar, downtime reasons, settings',
  equipment: 'Read-only: live equipment state, plant status, state changes, downtime, OEE and machine data',
  tracking: 'Product tracking and genealogy: lots, serials, their movements and the trace both ways',
  quality: 'Quality management: nonconformances and their dispositions, SPC charts and baselines',
  records:
    'Read-only: the batch record / device history record of an order or serial, as JSON or PDF (reads many partitions; the PDF renderer loads only for a PDF)',
  integration: 'ERP integration: credentials and outbound webhooks, for administrators',
  admin:
    "Administration (issue 17): the platform operators' plants, a plant's users and their roles (the identity provider), its devices and gateways (register, list, revoke; IoT Core)",
  organization:
    "Multi-site organizations (issue 17): the platform's organizations, and their users' read-only rollups and traces across member plants (each read in the plant's own tenant scope) and master data templates published to them",
  maintenance:
    'Maintenance (issue 18): requests on a unit (from a person or a downtime event) planned, assigned, started, completed with parts and time, and the preventive plans by calendar or counter',
  audit: 'Read-only: the tamper-evident audit trail of every record and its verification (issue 16)',
  // Apart from the administrators' routes: the one route anyone may call holds only what it
  // needs (decrypt the credential's secret, write the events), not the webhook queue.
  erpInbound: 'Public and signed: ERP events in (JSON or B2MML), the signature checked before the body is read',
  system: 'Public, no data: health and the OpenAPI document',
} as const;

export type ApiFunctionId = keyof typeof API_FUNCTIONS;
export const apiFunctionIds = Object.keys(API_FUNCTIONS) as ApiFunctionId[];

type Use = NonNullable<RouteDef['uses']>[number];

export interface ApiFunctionDef<R extends RouteDef = RouteDef> {
  id: ApiFunctionId;
  description: string;
  routes: R[];
  /** 'read' when every route only reads (read-only IAM), 'write' when any writes, 'none' when none touches the table. */
  table: 'none' | 'read' | 'write';
  /** Only what its routes use. */
  uses: Use[];
}

const ACCESS_ORDER = ['none', 'read', 'write'] as const;

/** Each API function with its routes and the union of their needs; a function without routes is left out. */
export function apiFunctionsOf<R extends RouteDef>(routes: readonly R[]): ApiFunctionDef<R>[] {
  return apiFunctionIds
    .map((id) => {
      const own = routes.filter((r) => r.fn === id);
      const table = ACCESS_ORDER[Math.max(0, ...own.map((r) => ACCESS_ORDER.indexOf(r.table)))] ?? 'none';
      const uses = [...new Set(own.flatMap((r) => r.uses ?? []))].sort();
      return { id, description: API_FUNCTIONS[id], routes: own, table, uses };
    })
    .filter((fn) => fn.routes.length > 0);
}

/** API Gateway's route key, as the event carries it: `GET /v1/work-orders/{id}`. */
export const routeKeyOf = (route: Pick<RouteDef, 'method' | 'path'>) => `${route.method} ${route.path}`;

/** The entry file of an API function, relative to the repository root: `functions/api/master-data.ts`. */
export const apiFunctionEntry = (id: ApiFunctionId) => `functions/api/${id.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.ts`;

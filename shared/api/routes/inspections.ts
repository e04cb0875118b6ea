/** The inspection routes (issue 15, docs/quality.md): what is due at an order's operations, and recording results. Served by the orders API function: both read and write only the order's partition (and, recording, its characteristics' SPC items), and the operator's start, report, inspect, complete stay on one warm function. */
import { PERMISSIONS } from '../../domain/roles.ts';
import * as q from '../inspection-schemas.ts';
import * as s from '../schemas.ts';
import { define } from '../route-def.ts';

export const routes = define({
  listWorkOrderInspections: {
    method: 'GET',
    path: '/v1/work-orders/{id}/inspections',
    summary:
      "The inspections of an order's operations (?seq= one operation's): recorded (passed, failed), due now, and the next upcoming of each plan, with spec limits and sample sizes; with the recorded attempts (who, when, values) unless ?results=false",
    tag: 'Inspections',
    roles: PERMISSIONS.read,
    params: s.IdParamsSchema,
    query: q.WorkOrderInspectionsQuerySchema,
    response: q.WorkOrderInspectionsSchema,
    successStatus: 200,
    handler: 'inspections/list-work-order-inspections',
    fn: 'orders',
    table: 'read',
  },
  recordInspectionResults: {
    method: 'POST',
    path: '/v1/inspections/{id}/results',
    summary:
      'Record the results of a due inspection (one per characteristic); the server decides pass/fail. A failed inspection stands; only quality (or an admin) may inspect it again, with a reason.',
    tag: 'Inspections',
    roles: PERMISSIONS.recordInspection,
    params: q.InspectionParamsSchema,
    body: q.RecordInspectionSchema,
    response: q.InspectionSchema,
    successStatus: 201,
    handler: 'inspections/record-inspection-results',
    fn: 'orders',
    table: 'write',
  },
});

/**
 * The routes of the maintenance API function (issue 18, docs/maintenance.md): requests on a unit
 * (raised by a person or from a downtime event), their transitions, and the preventive plans.
 */
import type * as z from 'zod/mini';
import { PERMISSIONS } from '../../domain/roles.ts';
import * as m from '../maintenance-schemas.ts';
import { define, type RouteDef } from '../route-def.ts';
import * as s from '../schemas.ts';

const requestAction = <B extends z.ZodMiniType>(action: string, body: B, summary: string) =>
  ({
    method: 'POST',
    path: `/v1/maintenance-requests/{id}/${action}`,
    summary,
    tag: 'Maintenance',
    roles: PERMISSIONS.workMaintenance,
    params: s.IdParamsSchema,
    body,
    response: m.MaintenanceRequestSchema,
    successStatus: 200,
    handler: `maintenance/${action}-maintenance-request`,
    fn: 'maintenance',
    table: 'write',
    ifMatch: true,
  }) satisfies RouteDef;

export const routes = define({
  raiseMaintenanceRequest: {
    method: 'POST',
    path: '/v1/maintenance-requests',
    summary:
      'Raise a maintenance request on a unit, optionally from one of its downtime events (the downtime then names the request). Numbered MR-{YYYY}-{SEQ:5}. Honours Idempotency-Key.',
    tag: 'Maintenance',
    roles: PERMISSIONS.raiseMaintenanceRequest,
    body: m.RaiseMaintenanceRequestSchema,
    response: m.MaintenanceRequestSchema,
    successStatus: 201,
    handler: 'maintenance/raise-maintenance-request',
    fn: 'maintenance',
    table: 'write',
    idempotent: true,
  },
  listMaintenanceRequests: {
    method: 'GET',
    path: '/v1/maintenance-requests',
    summary:
      'The maintenance queue: without status, every request not completed or cancelled, most urgent then oldest first; with status, the requests of that status; of one unit with equipmentId',
    tag: 'Maintenance',
    roles: PERMISSIONS.read,
    query: m.ListMaintenanceRequestsQuerySchema,
    response: s.page(m.MaintenanceRequestSchema),
    successStatus: 200,
    handler: 'maintenance/list-maintenance-requests',
    fn: 'maintenance',
    table: 'read',
  },
  getMaintenanceRequest: {
    method: 'GET',
    path: '/v1/maintenance-requests/{id}',
    summary: 'Read a maintenance request with its audit trail',
    tag: 'Maintenance',
    roles: PERMISSIONS.read,
    params: s.IdParamsSchema,
    response: m.MaintenanceRequestDetailSchema,
    successStatus: 200,
    handler: 'maintenance/get-maintenance-request',
    fn: 'maintenance',
    table: 'read',
  },
  planMaintenanceRequest: requestAction(
    'plan',
    m.PlanMaintenanceRequestSchema,
    'Plan the request: the window its unit is out of production for it (planned maintenance in OEE), before the work starts',
  ),
  assignMaintenanceRequest: requestAction('assign', m.AssignMaintenanceRequestSchema, 'Assign the request to a person, before the work starts'),
  startMaintenanceRequest: requestAction('start', m.StartMaintenanceRequestSchema, 'Start the work'),
  completeMaintenanceRequest: requestAction(
    'complete',
    m.CompleteMaintenanceRequestSchema,
    'Complete the work: what was done, the parts used and the labor minutes',
  ),
  cancelMaintenanceRequest: requestAction('cancel', m.CancelMaintenanceRequestSchema, 'Cancel the request, with a reason'),
  listMaintenancePlans: {
    method: 'GET',
    path: '/v1/maintenance-plans',
    summary: 'The preventive maintenance plans, by id',
    tag: 'Maintenance',
    roles: PERMISSIONS.read,
    query: s.PageQuerySchema,
    response: s.page(m.MaintenancePlanSchema),
    successStatus: 200,
    handler: 'maintenance/list-maintenance-plans',
    fn: 'maintenance',
    table: 'read',
  },
  putMaintenancePlan: {
    method: 'PUT',
    path: '/v1/maintenance-plans/{id}',
    summary: 'Create or change a preventive maintenance plan: a unit, a task, a trigger by calendar or by counter (cycles from telemetry)',
    tag: 'Maintenance',
    roles: PERMISSIONS.manageMaintenancePlans,
    params: s.IdParamsSchema,
    body: m.MaintenancePlanInputSchema,
    response: m.MaintenancePlanSchema,
    successStatus: 200,
    handler: 'maintenance/put-maintenance-plan',
    fn: 'maintenance',
    table: 'write',
    ifMatch: true,
  },
  getMaintenancePlan: {
    method: 'GET',
    path: '/v1/maintenance-plans/{id}',
    summary: 'Read a preventive maintenance plan, with the cycles counted since its last request (a counter plan)',
    tag: 'Maintenance',
    roles: PERMISSIONS.read,
    params: s.IdParamsSchema,
    response: m.MaintenancePlanViewSchema,
    successStatus: 200,
    handler: 'maintenance/get-maintenance-plan',
    fn: 'maintenance',
    table: 'read',
  },
});

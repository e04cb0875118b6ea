/**
 * The routes of the equipment API function (read-only): live state, plant status, state changes,
 * downtime, OEE and machine data, and the live feed session (the plant overview's push channel).
 */
import * as z from 'zod/mini';
import { PERMISSIONS } from '../../domain/roles.ts';
import * as s from '../schemas.ts';
import { define, kebab, type RouteDef } from '../route-def.ts';

const oeeRoute = (resource: string, name: string, summary: string) =>
  ({
    method: 'GET',
    path: `/v1/${resource}/{id}/oee`,
    summary,
    tag: 'OEE',
    roles: PERMISSIONS.read,
    params: s.IdParamsSchema,
    query: s.RangeQuerySchema,
    response: s.OeeSchema,
    successStatus: 200,
    handler: `${resource}/get-${kebab(name)}-oee`,
    fn: 'equipment',
    table: 'read',
  }) satisfies RouteDef;

export const routes = define({
  getEquipmentStatus: {
    method: 'GET',
    path: '/v1/equipment/{id}/status',
    summary: 'Live state of a unit, since when, its current order and operation, and OEE today',
    tag: 'Equipment',
    roles: PERMISSIONS.read,
    params: s.IdParamsSchema,
    response: s.EquipmentStatusSchema,
    successStatus: 200,
    handler: 'equipment/get-equipment-status',
    fn: 'equipment',
    table: 'read',
  },
  getPlantStatus: {
    method: 'GET',
    path: '/v1/plant/status',
    summary: 'Every work unit with its live state, since when and its current order and operation, in one request (the plant overview)',
    tag: 'Equipment',
    roles: PERMISSIONS.read,
    query: s.PlantStatusQuerySchema,
    response: s.PlantStatusSchema,
    successStatus: 200,
    handler: 'equipment/get-plant-status',
    fn: 'equipment',
    table: 'read',
  },
  getEquipmentOee: oeeRoute('equipment', 'Equipment', 'OEE of a unit over a time range or a shift'),
  getWorkCenterOee: oeeRoute('work-centers', 'WorkCenter', 'OEE of a work center or line: its units together'),
  getWorkOrderOee: oeeRoute('work-orders', 'WorkOrder', 'OEE of a work order while its operations ran'),
  getWorkOrderMachineData: {
    method: 'GET',
    path: '/v1/work-orders/{id}/machine-data',
    summary: 'Machine counts and process values per operation, beside what operators reported',
    tag: 'OEE',
    roles: PERMISSIONS.read,
    params: s.IdParamsSchema,
    response: s.MachineDataSchema,
    successStatus: 200,
    handler: 'work-orders/get-work-order-machine-data',
    fn: 'equipment',
    table: 'read',
  },
  listDowntime: {
    method: 'GET',
    path: '/v1/equipment/{id}/downtime',
    summary: 'Downtime events of a unit, opened and closed by its state messages',
    tag: 'Downtime',
    roles: PERMISSIONS.read,
    params: s.IdParamsSchema,
    query: s.RangeQuerySchema,
    response: z.object({ items: z.array(s.DowntimeEventSchema) }),
    successStatus: 200,
    handler: 'equipment/list-downtime',
    fn: 'equipment',
    table: 'read',
  },
  startLiveFeedSession: {
    method: 'POST',
    path: '/v1/live-feed/session',
    summary:
      "Lets the caller's browser receive the live feed: on AWS attaches the browser IoT policy to the caller's Cognito identity, " +
      'derived from the ID token the request carries (never sent by the client). Idempotent; call once per session before connecting.',
    tag: 'Equipment',
    roles: PERMISSIONS.read,
    // Nothing to send: who the caller is comes from the verified token alone.
    body: z.strictObject({}),
    response: z.undefined(),
    successStatus: 204,
    handler: 'equipment/start-live-feed-session',
    fn: 'equipment',
    table: 'none',
    uses: ['liveSession'],
  },
  listStateChanges: {
    method: 'GET',
    path: '/v1/state-changes',
    summary: 'State changes of every unit since a time: the live feed the web app follows',
    tag: 'Equipment',
    roles: PERMISSIONS.read,
    query: s.StateChangesQuerySchema,
    response: z.object({ items: z.array(s.StateChangeSchema), next: z.string() }),
    successStatus: 200,
    handler: 'equipment/list-state-changes',
    fn: 'equipment',
    table: 'read',
  },
});

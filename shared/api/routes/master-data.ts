/** The routes of the masterData API function: equipment, materials, BOMs, routings, personnel, inspection plans, tenant settings, the shift calendar, the downtime reason tree and the scrap, pause and hold reason lists. */
import type * as z from 'zod/mini';
import { PERMISSIONS, type Role } from '../../domain/roles.ts';
import * as s from '../schemas.ts';
import { define, kebab, type RouteDef } from '../route-def.ts';

/** Master data resources share one shape: PUT (by `roles`, default planners) and GET by id, and a paged list. */
const masterData = <I extends z.ZodMiniType, O extends z.ZodMiniType>(
  resource: string,
  tag: string,
  name: string,
  plural: string,
  input: I,
  output: O,
  roles: readonly Role[] = PERMISSIONS.manageMasterData,
) => ({
  put: {
    method: 'PUT',
    path: `/v1/${resource}/{id}`,
    summary: `Create or replace ${tag.toLowerCase()} (If-Match for optimistic concurrency)`,
    tag,
    roles,
    params: s.IdParamsSchema,
    body: input,
    response: output,
    successStatus: 200,
    handler: `${resource}/put-${kebab(name)}`,
    fn: 'masterData',
    table: 'write',
    ifMatch: true,
  } satisfies RouteDef,
  get: {
    method: 'GET',
    path: `/v1/${resource}/{id}`,
    summary: `Read ${tag.toLowerCase()}`,
    tag,
    roles: PERMISSIONS.read,
    params: s.IdParamsSchema,
    response: output,
    successStatus: 200,
    handler: `${resource}/get-${kebab(name)}`,
    fn: 'masterData',
    table: 'read',
  } satisfies RouteDef,
  list: {
    method: 'GET',
    path: `/v1/${resource}`,
    summary: `List ${tag.toLowerCase()}, a page at a time`,
    tag,
    roles: PERMISSIONS.read,
    query: s.PageQuerySchema,
    response: s.page(output),
    successStatus: 200,
    handler: `${resource}/list-${kebab(plural)}`,
    fn: 'masterData',
    table: 'read',
  } satisfies RouteDef,
});

/** Per-tenant singleton settings (the shift calendar, the downtime reason tree): GET and PUT. */
const tenantDocument = <I extends z.ZodMiniType, O extends z.ZodMiniType>(resource: string, name: string, tag: string, input: I, output: O) => ({
  get: {
    method: 'GET',
    path: `/v1/${resource}`,
    summary: `Read the plant's ${tag.toLowerCase()}`,
    tag,
    roles: PERMISSIONS.read,
    response: output,
    successStatus: 200,
    handler: `${resource}/get-${kebab(name)}`,
    fn: 'masterData',
    table: 'read',
  } satisfies RouteDef,
  put: {
    method: 'PUT',
    path: `/v1/${resource}`,
    summary: `Replace the plant's ${tag.toLowerCase()} (versioned, audited)`,
    tag,
    roles: PERMISSIONS.manageMasterData,
    body: input,
    response: output,
    successStatus: 200,
    handler: `${resource}/put-${kebab(name)}`,
    fn: 'masterData',
    table: 'write',
    ifMatch: true,
  } satisfies RouteDef,
});

const shiftCalendar = tenantDocument('shift-calendar', 'ShiftCalendar', 'Shift calendar', s.ShiftCalendarInputSchema, s.ShiftCalendarSchema);
const downtimeReasons = tenantDocument(
  'downtime-reasons',
  'DowntimeReasons',
  'Downtime reasons',
  s.DowntimeReasonsInputSchema,
  s.DowntimeReasonsSchema,
);

const equipment = masterData('equipment', 'Equipment', 'Equipment', 'Equipment', s.EquipmentInputSchema, s.EquipmentSchema);
const materials = masterData('materials', 'Materials', 'Material', 'Materials', s.MaterialInputSchema, s.MaterialSchema);
const boms = masterData('boms', 'BOMs', 'Bom', 'Boms', s.BomInputSchema, s.BomSchema);
const routings = masterData('routings', 'Routings', 'Routing', 'Routings', s.RoutingInputSchema, s.RoutingSchema);
const personnel = masterData('personnel', 'Personnel', 'Personnel', 'Personnel', s.PersonnelInputSchema, s.PersonnelSchema);
// Quality defines what is inspected (issue 15), not planners.
const inspectionPlans = masterData(
  'inspection-plans',
  'Inspection plans',
  'InspectionPlan',
  'InspectionPlans',
  s.InspectionPlanInputSchema,
  s.InspectionPlanSchema,
  PERMISSIONS.manageInspectionPlans,
);

export const routes = define({
  getTenantSettings: {
    method: 'GET',
    path: '/v1/tenant-settings',
    summary: "Read the plant's settings",
    tag: 'Settings',
    roles: PERMISSIONS.read,
    response: s.TenantSettingsSchema,
    successStatus: 200,
    handler: 'settings/get-tenant-settings',
    fn: 'masterData',
    table: 'read',
  },
  putTenantSettings: {
    method: 'PUT',
    path: '/v1/tenant-settings',
    summary: "Replace the plant's settings",
    tag: 'Settings',
    roles: PERMISSIONS.manageSettings,
    body: s.TenantSettingsInputSchema,
    response: s.TenantSettingsSchema,
    successStatus: 200,
    handler: 'settings/put-tenant-settings',
    fn: 'masterData',
    table: 'write',
    ifMatch: true,
  },
  putEquipment: equipment.put,
  getEquipment: equipment.get,
  listEquipment: equipment.list,
  putMaterial: materials.put,
  getMaterial: materials.get,
  listMaterials: materials.list,
  putBom: boms.put,
  getBom: boms.get,
  listBoms: boms.list,
  putRouting: routings.put,
  getRouting: routings.get,
  listRoutings: routings.list,
  putPersonnel: personnel.put,
  getPersonnel: personnel.get,
  listPersonnel: personnel.list,
  putInspectionPlan: inspectionPlans.put,
  getInspectionPlan: inspectionPlans.get,
  listInspectionPlans: inspectionPlans.list,
  getShiftCalendar: shiftCalendar.get,
  putShiftCalendar: shiftCalendar.put,
  getDowntimeReasons: downtimeReasons.get,
  putDowntimeReasons: downtimeReasons.put,
  getReasonLists: {
    method: 'GET',
    path: '/v1/reason-lists',
    summary: "Read the plant's scrap, pause and hold reason lists (each its default until saved)",
    tag: 'Reason lists',
    roles: PERMISSIONS.read,
    response: s.ReasonListsSchema,
    successStatus: 200,
    handler: 'reason-lists/get-reason-lists',
    fn: 'masterData',
    table: 'read',
  },
  getReasonList: {
    method: 'GET',
    path: '/v1/reason-lists/{list}',
    summary: "Read one of the plant's reason lists: scrap, pause or hold (version 0: the default, never saved)",
    tag: 'Reason lists',
    roles: PERMISSIONS.read,
    params: s.ReasonListParamsSchema,
    response: s.ReasonListSchema,
    successStatus: 200,
    handler: 'reason-lists/get-reason-list',
    fn: 'masterData',
    table: 'read',
  },
  putReasonList: {
    method: 'PUT',
    path: '/v1/reason-lists/{list}',
    summary: "Replace one of the plant's reason lists (versioned, audited; a reason is retired with active: false, never removed)",
    tag: 'Reason lists',
    roles: PERMISSIONS.manageMasterData,
    params: s.ReasonListParamsSchema,
    body: s.ReasonListInputSchema,
    response: s.ReasonListSchema,
    successStatus: 200,
    handler: 'reason-lists/put-reason-list',
    fn: 'masterData',
    table: 'write',
    ifMatch: true,
  },
});

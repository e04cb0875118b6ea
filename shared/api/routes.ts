/**
 * THE route table. CDK, the local HTTP server, the OpenAPI document and the web client all read
 * it. `handler` names the file under functions/http/ that exports the route's `handler`; `fn`
 * names the API function (a bounded context, shared/api/functions.ts) that serves it. On AWS
 * each API function is one Lambda behind the HTTP API's routes of its context: it finds the
 * route by the event's routeKey and imports the route's module on first use, so a route costs
 * one API Gateway route, not a function. Tests check each route has exactly one
 * handler file and one function.
 */
import * as z from 'zod/mini';
import { PERMISSIONS, type Role } from '../domain/roles.ts';
import * as s from './schemas.ts';
import * as i from './integration-schemas.ts';
import type { ApiFunctionId } from './functions.ts';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

export interface RouteDef {
  method: HttpMethod;
  /** API Gateway style path, `{name}` for path parameters. */
  path: string;
  summary: string;
  tag: string;
  /** Roles allowed; `null` for a public route (no token). */
  roles: readonly Role[] | null;
  params?: z.ZodMiniType;
  query?: z.ZodMiniType;
  body?: z.ZodMiniType;
  response: z.ZodMiniType;
  successStatus: 200 | 201 | 204;
  /** File under functions/http/, without extension. */
  handler: string;
  /** The API function (bounded context, shared/api/functions.ts) that serves it. */
  fn: ApiFunctionId;
  /** What the function may do to the table (least-privilege IAM). */
  table: 'none' | 'read' | 'write';
  /** Honours an `Idempotency-Key` header. */
  idempotent?: true;
  /**
   * Changes one versioned record and honours `If-Match: "<version>"`: a stale version is a 409
   * and nothing changes. Without it the command applies to the current version. Routes without
   * this flag refuse an If-Match header (400) rather than ignore it.
   */
  ifMatch?: true;
  /** Largest request body the route reads, in bytes (default 1 MiB, functions/lib/http.ts); more is a 413. */
  maxBodyBytes?: number;
  /**
   * The handler gets the body as sent (`rawBody`), unparsed: a signed request is verified over
   * its exact bytes, and it may be XML. `body` is then only documentation.
   */
  rawBody?: { contentTypes: readonly string[] };
  /** Why a public route (roles null) may be public, for the security review (cdk-nag). */
  publicReason?: string;
  /** AWS resources beyond the table the function needs (IAM grants and environment). */
  uses?: readonly ('secrets' | 'webhookQueue')[];
}

const define = <const T extends Record<string, RouteDef>>(table: T) => table;

/** Master data resources share one shape: PUT and GET by id, and a paged list. */
const masterData = <I extends z.ZodMiniType, O extends z.ZodMiniType>(
  resource: string,
  tag: string,
  name: string,
  plural: string,
  input: I,
  output: O,
) => ({
  put: {
    method: 'PUT',
    path: `/v1/${resource}/{id}`,
    summary: `Create or replace ${tag.toLowerCase()} (If-Match for optimistic concurrency)`,
    tag,
    roles: PERMISSIONS.manageMasterData,
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

function kebab(name: string) {
  return name.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase());
}

const workOrderAction = <B extends z.ZodMiniType>(action: string, body: B, roles: readonly Role[], summary: string) =>
  ({
    method: 'POST',
    path: `/v1/work-orders/{id}/${action}`,
    summary,
    tag: 'Work orders',
    roles,
    params: s.IdParamsSchema,
    body,
    response: s.WorkOrderDetailSchema,
    successStatus: 200,
    handler: `work-orders/${action}-work-order`,
    fn: 'orders',
    table: 'write',
    ifMatch: true,
  }) satisfies RouteDef;

const operationAction = <B extends z.ZodMiniType>(action: string, body: B, summary: string) =>
  ({
    method: 'POST',
    path: `/v1/work-orders/{id}/operations/{seq}/${action}`,
    summary,
    tag: 'Operations',
    roles: PERMISSIONS.executeOperation,
    params: s.OperationParamsSchema,
    body,
    response: s.WorkOrderDetailSchema,
    successStatus: 200,
    handler: `operations/${action}-operation`,
    fn: 'orders',
    table: 'write',
    ifMatch: true,
  }) satisfies RouteDef;

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

const equipment = masterData('equipment', 'Equipment', 'Equipment', 'Equipment', s.EquipmentInputSchema, s.EquipmentSchema);
const materials = masterData('materials', 'Materials', 'Material', 'Materials', s.MaterialInputSchema, s.MaterialSchema);
const boms = masterData('boms', 'BOMs', 'Bom', 'Boms', s.BomInputSchema, s.BomSchema);
const routings = masterData('routings', 'Routings', 'Routing', 'Routings', s.RoutingInputSchema, s.RoutingSchema);
const personnel = masterData('personnel', 'Personnel', 'Personnel', 'Personnel', s.PersonnelInputSchema, s.PersonnelSchema);

export const routes = define({
  getHealth: {
    method: 'GET',
    path: '/v1/health',
    summary: 'Liveness check',
    tag: 'System',
    roles: null,
    response: s.HealthSchema,
    successStatus: 200,
    handler: 'system/get-health',
    fn: 'system',
    table: 'none',
  },
  getOpenApi: {
    method: 'GET',
    path: '/v1/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document',
    tag: 'System',
    roles: null,
    response: z.record(z.string(), z.unknown()),
    successStatus: 200,
    handler: 'system/get-open-api',
    fn: 'system',
    table: 'none',
  },
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
  createWorkOrder: {
    method: 'POST',
    path: '/v1/work-orders',
    summary: 'Create a work order (PLANNED). Honours Idempotency-Key.',
    tag: 'Work orders',
    roles: PERMISSIONS.createWorkOrder,
    body: s.CreateWorkOrderSchema,
    response: s.WorkOrderDetailSchema,
    successStatus: 201,
    handler: 'work-orders/create-work-order',
    fn: 'orders',
    table: 'write',
    idempotent: true,
  },
  listWorkOrders: {
    method: 'GET',
    path: '/v1/work-orders',
    summary: 'List work orders by status and work center, by due date',
    tag: 'Work orders',
    roles: PERMISSIONS.read,
    query: s.ListWorkOrdersQuerySchema,
    response: s.page(s.WorkOrderSchema),
    successStatus: 200,
    handler: 'work-orders/list-work-orders',
    fn: 'orders',
    table: 'read',
  },
  getWorkOrder: {
    method: 'GET',
    path: '/v1/work-orders/{id}',
    summary: 'Read a work order with its operations',
    tag: 'Work orders',
    roles: PERMISSIONS.read,
    params: s.IdParamsSchema,
    response: s.WorkOrderDetailSchema,
    successStatus: 200,
    handler: 'work-orders/get-work-order',
    fn: 'orders',
    table: 'read',
  },
  releaseWorkOrder: workOrderAction(
    'release',
    s.ReleaseWorkOrderSchema,
    PERMISSIONS.superviseWorkOrder,
    'Release: copy the routing into the order, first operation READY',
  ),
  holdWorkOrder: workOrderAction('hold', s.HoldWorkOrderSchema, PERMISSIONS.holdWorkOrder, 'Put the order on hold, with a reason'),
  resumeWorkOrder: workOrderAction('resume', s.ResumeWorkOrderSchema, PERMISSIONS.holdWorkOrder, 'Lift a hold: back to where it was'),
  cancelWorkOrder: workOrderAction('cancel', s.CancelWorkOrderSchema, PERMISSIONS.superviseWorkOrder, 'Cancel the order, with a reason'),
  closeWorkOrder: workOrderAction('close', s.CloseWorkOrderSchema, PERMISSIONS.superviseWorkOrder, 'Close a completed order'),
  startOperation: operationAction('start', s.StartOperationSchema, 'Start a READY operation'),
  pauseOperation: operationAction('pause', s.PauseOperationSchema, 'Pause a running operation, with a reason'),
  resumeOperation: operationAction('resume', s.ResumeOperationSchema, 'Resume a paused operation'),
  reportOperation: operationAction('report', s.ReportOperationSchema, 'Report good and scrap quantity and recorded data'),
  completeOperation: operationAction('complete', s.CompleteOperationSchema, 'Complete an operation, optionally with a last report'),
  getWorkOrderHistory: {
    method: 'GET',
    path: '/v1/work-orders/{id}/history',
    summary: "The order's audit trail, oldest first",
    tag: 'Work orders',
    roles: PERMISSIONS.read,
    params: s.IdParamsSchema,
    query: s.PageQuerySchema,
    response: s.page(s.AuditRecordSchema),
    successStatus: 200,
    handler: 'work-orders/get-work-order-history',
    fn: 'orders',
    table: 'read',
  },
  getShiftCalendar: shiftCalendar.get,
  putShiftCalendar: shiftCalendar.put,
  getDowntimeReasons: downtimeReasons.get,
  putDowntimeReasons: downtimeReasons.put,
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
  assignDowntimeReason: {
    method: 'PUT',
    path: '/v1/equipment/{id}/downtime/{start}/reason',
    summary: 'Assign or change the reason of a downtime event (audited)',
    tag: 'Downtime',
    roles: PERMISSIONS.superviseWorkOrder,
    params: s.DowntimeParamsSchema,
    body: s.AssignDowntimeReasonSchema,
    response: s.DowntimeEventSchema,
    successStatus: 200,
    handler: 'equipment/assign-downtime-reason',
    fn: 'orders',
    table: 'write',
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
  // ---------- ERP integration (issue 4; docs/webhooks.md) ----------
  receiveErpEvent: {
    method: 'POST',
    path: '/v1/integrations/erp/events',
    summary: 'Inbound ERP event (JSON, ISA-95 vocabulary) or B2MML ProductionSchedule (XML), signed with Standard Webhooks',
    tag: 'ERP integration',
    roles: null,
    publicReason:
      'Authenticated in the handler by a Standard Webhooks signature with the secret of the credential the query names; the tenant is the one owning that secret.',
    query: i.ErpEventsQuerySchema,
    body: i.ErpEventEnvelopeSchema,
    rawBody: { contentTypes: ['application/json', 'application/xml', 'text/xml'] },
    response: i.ErpEventResultSchema,
    successStatus: 200,
    // A B2MML document is read up to 1 MiB (shared/integration/b2mml.ts); JSON events are small.
    maxBodyBytes: 1024 * 1024 + 1024,
    handler: 'integrations/receive-erp-event',
    fn: 'erpInbound',
    table: 'write',
    uses: ['secrets'],
  },
  createIntegrationCredential: {
    method: 'POST',
    path: '/v1/integration-credentials',
    summary: 'Create an inbound credential; its whsec_ secret is shown in this response only',
    tag: 'ERP integration',
    roles: PERMISSIONS.manageIntegrations,
    body: i.CreateIntegrationCredentialSchema,
    response: i.IntegrationCredentialWithSecretSchema,
    successStatus: 201,
    handler: 'integrations/create-integration-credential',
    fn: 'integration',
    table: 'write',
    uses: ['secrets'],
  },
  listIntegrationCredentials: {
    method: 'GET',
    path: '/v1/integration-credentials',
    summary: 'List inbound credentials (never their secrets)',
    tag: 'ERP integration',
    roles: PERMISSIONS.manageIntegrations,
    query: s.PageQuerySchema,
    response: s.page(i.IntegrationCredentialSchema),
    successStatus: 200,
    handler: 'integrations/list-integration-credentials',
    fn: 'integration',
    table: 'read',
  },
  getIntegrationCredential: {
    method: 'GET',
    path: '/v1/integration-credentials/{id}',
    summary: 'Read an inbound credential (never its secret)',
    tag: 'ERP integration',
    roles: PERMISSIONS.manageIntegrations,
    params: i.CredentialParamsSchema,
    response: i.IntegrationCredentialSchema,
    successStatus: 200,
    handler: 'integrations/get-integration-credential',
    fn: 'integration',
    table: 'read',
  },
  rotateIntegrationCredential: {
    method: 'POST',
    path: '/v1/integration-credentials/{id}/rotate',
    summary: 'New secret (shown once); the previous one keeps verifying for a grace period',
    tag: 'ERP integration',
    roles: PERMISSIONS.manageIntegrations,
    params: i.CredentialParamsSchema,
    body: i.RotateSecretSchema,
    response: i.IntegrationCredentialWithSecretSchema,
    successStatus: 200,
    handler: 'integrations/rotate-integration-credential',
    fn: 'integration',
    table: 'write',
    uses: ['secrets'],
    ifMatch: true,
  },
  revokeIntegrationCredential: {
    method: 'DELETE',
    path: '/v1/integration-credentials/{id}',
    summary: 'Revoke an inbound credential: its secrets stop verifying at once (the record stays)',
    tag: 'ERP integration',
    roles: PERMISSIONS.manageIntegrations,
    params: i.CredentialParamsSchema,
    response: i.IntegrationCredentialSchema,
    successStatus: 200,
    handler: 'integrations/revoke-integration-credential',
    fn: 'integration',
    table: 'write',
    ifMatch: true,
  },
  createWebhookEndpoint: {
    method: 'POST',
    path: '/v1/webhook-endpoints',
    summary: 'Subscribe an endpoint to events; its signing secret is shown in this response only',
    tag: 'Webhooks',
    roles: PERMISSIONS.manageIntegrations,
    body: i.CreateWebhookEndpointSchema,
    response: i.WebhookEndpointWithSecretSchema,
    successStatus: 201,
    handler: 'webhooks/create-webhook-endpoint',
    fn: 'integration',
    table: 'write',
    uses: ['secrets'],
  },
  listWebhookEndpoints: {
    method: 'GET',
    path: '/v1/webhook-endpoints',
    summary: 'List webhook endpoints',
    tag: 'Webhooks',
    roles: PERMISSIONS.manageIntegrations,
    query: s.PageQuerySchema,
    response: s.page(i.WebhookEndpointSchema),
    successStatus: 200,
    handler: 'webhooks/list-webhook-endpoints',
    fn: 'integration',
    table: 'read',
  },
  getWebhookEndpoint: {
    method: 'GET',
    path: '/v1/webhook-endpoints/{id}',
    summary: 'Read a webhook endpoint',
    tag: 'Webhooks',
    roles: PERMISSIONS.manageIntegrations,
    params: i.WebhookEndpointParamsSchema,
    response: i.WebhookEndpointSchema,
    successStatus: 200,
    handler: 'webhooks/get-webhook-endpoint',
    fn: 'integration',
    table: 'read',
  },
  updateWebhookEndpoint: {
    method: 'PATCH',
    path: '/v1/webhook-endpoints/{id}',
    summary: 'Change URL, event types, enabled or description (If-Match for optimistic concurrency)',
    tag: 'Webhooks',
    roles: PERMISSIONS.manageIntegrations,
    params: i.WebhookEndpointParamsSchema,
    body: i.PatchWebhookEndpointSchema,
    response: i.WebhookEndpointSchema,
    successStatus: 200,
    handler: 'webhooks/update-webhook-endpoint',
    fn: 'integration',
    table: 'write',
    ifMatch: true,
  },
  deleteWebhookEndpoint: {
    method: 'DELETE',
    path: '/v1/webhook-endpoints/{id}',
    summary: 'Delete a webhook endpoint: nothing more is sent to it',
    tag: 'Webhooks',
    roles: PERMISSIONS.manageIntegrations,
    params: i.WebhookEndpointParamsSchema,
    response: z.undefined(),
    successStatus: 204,
    handler: 'webhooks/delete-webhook-endpoint',
    fn: 'integration',
    table: 'write',
    ifMatch: true,
  },
  rotateWebhookSecret: {
    method: 'POST',
    path: '/v1/webhook-endpoints/{id}/rotate-secret',
    summary: 'New signing secret (shown once); during the grace period both secrets sign',
    tag: 'Webhooks',
    roles: PERMISSIONS.manageIntegrations,
    params: i.WebhookEndpointParamsSchema,
    body: i.RotateSecretSchema,
    response: i.WebhookEndpointWithSecretSchema,
    successStatus: 200,
    handler: 'webhooks/rotate-webhook-secret',
    fn: 'integration',
    table: 'write',
    uses: ['secrets'],
    ifMatch: true,
  },
  listWebhookDeliveries: {
    method: 'GET',
    path: '/v1/webhook-endpoints/{id}/deliveries',
    summary: "The endpoint's messages, newest first, each with its attempts, status codes and response times",
    tag: 'Webhooks',
    roles: PERMISSIONS.manageIntegrations,
    params: i.WebhookEndpointParamsSchema,
    query: i.ListDeliveriesQuerySchema,
    response: s.page(i.WebhookMessageSchema),
    successStatus: 200,
    handler: 'webhooks/list-webhook-deliveries',
    fn: 'integration',
    table: 'read',
  },
  retryWebhookMessage: {
    method: 'POST',
    path: '/v1/webhook-endpoints/{id}/deliveries/{messageId}/retry',
    summary: 'Send a message again now (same webhook-id), with the retry schedule behind it',
    tag: 'Webhooks',
    roles: PERMISSIONS.manageIntegrations,
    params: i.WebhookMessageParamsSchema,
    response: i.WebhookMessageSchema,
    successStatus: 200,
    handler: 'webhooks/retry-webhook-message',
    fn: 'integration',
    table: 'write',
    uses: ['webhookQueue'],
  },
  replayWebhookMessages: {
    method: 'POST',
    path: '/v1/webhook-endpoints/{id}/replay',
    summary: 'Send again every message since a time (same webhook-ids)',
    tag: 'Webhooks',
    roles: PERMISSIONS.manageIntegrations,
    params: i.WebhookEndpointParamsSchema,
    body: i.ReplayWebhookMessagesSchema,
    response: i.ReplayResultSchema,
    successStatus: 200,
    handler: 'webhooks/replay-webhook-messages',
    fn: 'integration',
    table: 'write',
    uses: ['webhookQueue'],
  },
  getDispatchList: {
    method: 'GET',
    path: '/v1/work-centers/{id}/dispatch-list',
    summary: 'READY, RUNNING and PAUSED operations at a work center, by priority then due date',
    tag: 'Dispatching',
    roles: PERMISSIONS.read,
    params: s.IdParamsSchema,
    query: s.PageQuerySchema,
    response: s.page(s.DispatchEntrySchema),
    successStatus: 200,
    handler: 'work-centers/get-dispatch-list',
    fn: 'orders',
    table: 'read',
  },
});

export type RouteId = keyof typeof routes;
export const routeList = Object.entries(routes).map(([id, def]) => ({ id: id as RouteId, ...(def as RouteDef) }));

/**
 * Routes that exist only in the local runtime (never deployed): the local identity provider, and
 * device credentials, the local stand-in for registering a thing with its certificate.
 */
export const LOCAL_ONLY_PATHS = {
  token: '/local/token',
  jwks: '/local/.well-known/jwks.json',
  deviceCredentials: '/local/device-credentials',
} as const;

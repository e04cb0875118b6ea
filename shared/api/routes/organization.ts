/**
 * The organization API function's routes (issue 17; docs/organizations.md): platform operators
 * define organizations (which plants each groups); an organization's users read across its
 * plants, read-only; its admins keep master data templates and publish them to member plants.
 * Organization roles are honoured only in an organization's token (`org-{id}`), and no plant
 * route admits them.
 */
import { ORG_PERMISSIONS, PLATFORM_PERMISSIONS } from '../../domain/roles.ts';
import * as o from '../organization-schemas.ts';
import { define } from '../route-def.ts';

export const routes = define({
  putOrganization: {
    method: 'PUT',
    path: '/v1/organizations/{id}',
    summary:
      "Create or replace an organization: its name and member plants (each a plant of the registry). Versioned and audited (If-Match). Its users' tenant is org-{id}.",
    tag: 'Organizations',
    roles: PLATFORM_PERMISSIONS.manageOrganizations,
    params: o.OrgParamsSchema,
    body: o.OrganizationInputSchema,
    response: o.OrganizationSchema,
    successStatus: 200,
    handler: 'organizations/put-organization',
    fn: 'organization',
    table: 'write',
    ifMatch: true,
  },
  getOrganization: {
    method: 'GET',
    path: '/v1/organizations/{id}',
    summary: 'One organization with its member plants',
    tag: 'Organizations',
    roles: PLATFORM_PERMISSIONS.manageOrganizations,
    params: o.OrgParamsSchema,
    response: o.OrganizationSchema,
    successStatus: 200,
    handler: 'organizations/get-organization',
    fn: 'organization',
    table: 'read',
  },
  getOwnOrganization: {
    method: 'GET',
    path: '/v1/organization',
    summary: "The caller's organization: its plants with their names",
    tag: 'Organizations',
    roles: ORG_PERMISSIONS.readOrganization,
    response: o.OrganizationSchema,
    successStatus: 200,
    handler: 'organizations/get-own-organization',
    fn: 'organization',
    table: 'read',
  },
  getOrganizationStatus: {
    method: 'GET',
    path: '/v1/organization/status',
    summary:
      "Live state counts and OEE by plant and line (today so far in each plant, a range, or a shift of each plant's calendar), read from each plant's own live view and OEE and summed",
    tag: 'Organizations',
    roles: ORG_PERMISSIONS.readOrganization,
    query: o.OrgStatusQuerySchema,
    response: o.OrganizationStatusSchema,
    successStatus: 200,
    handler: 'organizations/get-organization-status',
    fn: 'organization',
    table: 'read',
  },
  traceOrganizationLot: {
    method: 'GET',
    path: '/v1/organization/trace/lots/{plant}/{id}',
    summary:
      "A lot's trace across member plants, backward or forward: a lot received at one plant from a member plant (supplier = that plant's id, supplier lot = its lot) continues in that plant",
    tag: 'Organizations',
    roles: ORG_PERMISSIONS.readOrganization,
    params: o.OrgTraceParamsSchema,
    query: o.OrgTraceQuerySchema,
    response: o.OrgTraceSchema,
    successStatus: 200,
    handler: 'organizations/trace-organization-lot',
    fn: 'organization',
    table: 'read',
  },
  putTemplate: {
    method: 'PUT',
    path: '/v1/organization/templates/{kind}/{id}',
    summary:
      "Create or replace a master data template (materials, routings, reason-lists, inspection-plans) in the organization's namespace; the body is what a plant's own PUT of that kind takes. Versioned and audited (If-Match).",
    tag: 'Organizations',
    roles: ORG_PERMISSIONS.publishTemplates,
    params: o.TemplateParamsSchema,
    body: o.TemplateInputSchema,
    response: o.TemplateSchema,
    successStatus: 200,
    handler: 'organizations/put-template',
    fn: 'organization',
    table: 'write',
    ifMatch: true,
  },
  getTemplate: {
    method: 'GET',
    path: '/v1/organization/templates/{kind}/{id}',
    summary: 'A master data template of the organization',
    tag: 'Organizations',
    roles: ORG_PERMISSIONS.readOrganization,
    params: o.TemplateParamsSchema,
    response: o.TemplateSchema,
    successStatus: 200,
    handler: 'organizations/get-template',
    fn: 'organization',
    table: 'read',
  },
  publishTemplate: {
    method: 'POST',
    path: '/v1/organization/templates/{kind}/{id}/publish',
    summary:
      "Publish the template's current version to chosen member plants: each gets a new version of its own record through its own master data service, with its own audit record naming the template and version. A plant whose record was changed there since (or made there) is refused (409, nothing written) unless force is set.",
    tag: 'Organizations',
    roles: ORG_PERMISSIONS.publishTemplates,
    params: o.TemplateParamsSchema,
    body: o.PublishTemplateSchema,
    response: o.PublishResultSchema,
    successStatus: 200,
    handler: 'organizations/publish-template',
    fn: 'organization',
    table: 'write',
  },
});

/** PUT /v1/organization/templates/{kind}/{id}: an organization admin keeps a master data template. */
import { httpHandler } from '#functions/lib/http.ts';
import { organizations } from '#functions/lib/organization-services.ts';
import { TEMPLATE_INPUTS } from '#shared/api/organization-schemas.ts';
import { routes } from '#shared/api/routes/organization.ts';

export const handler = httpHandler(routes.putTemplate, async ({ auth, params, body, expectedVersion }) => ({
  body: await organizations.putTemplate(auth, params.kind, params.id, body, TEMPLATE_INPUTS[params.kind], expectedVersion),
}));

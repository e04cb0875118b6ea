/** GET /v1/organization/templates/{kind}/{id}: a master data template of the organization. */
import { httpHandler } from '#functions/lib/http.ts';
import { organizations } from '#functions/lib/organization-services.ts';
import { routes } from '#shared/api/routes/organization.ts';

export const handler = httpHandler(routes.getTemplate, async ({ auth, params }) => ({
  body: await organizations.getTemplate(auth, params.kind, params.id),
}));

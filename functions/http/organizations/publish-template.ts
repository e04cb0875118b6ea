/** POST /v1/organization/templates/{kind}/{id}/publish: the template's current version to chosen member plants. */
import { httpHandler } from '#functions/lib/http.ts';
import { organizations } from '#functions/lib/organization-services.ts';
import { routes } from '#shared/api/routes/organization.ts';

export const handler = httpHandler(routes.publishTemplate, async ({ auth, params, body }) => ({
  body: await organizations.publish(auth, params.kind, params.id, body),
}));

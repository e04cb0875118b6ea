/** GET /v1/organizations/{id}: one organization (platform operators). */
import { httpHandler } from '#functions/lib/http.ts';
import { organizations } from '#functions/lib/organization-services.ts';
import { routes } from '#shared/api/routes/organization.ts';

export const handler = httpHandler(routes.getOrganization, async ({ params }) => ({ body: await organizations.get(params.id) }));

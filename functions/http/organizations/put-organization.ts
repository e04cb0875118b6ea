/** PUT /v1/organizations/{id}: a platform operator creates or replaces an organization (name, member plants). */
import { httpHandler } from '#functions/lib/http.ts';
import { organizations } from '#functions/lib/organization-services.ts';
import { routes } from '#shared/api/routes/organization.ts';

export const handler = httpHandler(routes.putOrganization, async ({ auth, params, body, expectedVersion }) => ({
  body: await organizations.put(auth, params.id, body, expectedVersion),
}));

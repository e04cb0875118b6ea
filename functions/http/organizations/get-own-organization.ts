/** GET /v1/organization: the caller's organization and its plants. */
import { httpHandler } from '#functions/lib/http.ts';
import { organizations } from '#functions/lib/organization-services.ts';
import { routes } from '#shared/api/routes/organization.ts';

export const handler = httpHandler(routes.getOwnOrganization, async ({ auth }) => ({ body: await organizations.own(auth) }));

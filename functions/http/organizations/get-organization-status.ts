/** GET /v1/organization/status?from=&to= (or ?shift=&date=): live states and OEE by plant and line. */
import { httpHandler } from '#functions/lib/http.ts';
import { organizations } from '#functions/lib/organization-services.ts';
import { routes } from '#shared/api/routes/organization.ts';

export const handler = httpHandler(routes.getOrganizationStatus, async ({ auth, query }) => ({ body: await organizations.status(auth, query) }));

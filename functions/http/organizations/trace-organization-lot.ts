/** GET /v1/organization/trace/lots/{plant}/{id}?direction=backward|forward: a lot's trace across member plants. */
import { httpHandler } from '#functions/lib/http.ts';
import { organizations } from '#functions/lib/organization-services.ts';
import { routes } from '#shared/api/routes/organization.ts';

export const handler = httpHandler(routes.traceOrganizationLot, async ({ auth, params, query }) => ({
  body: await organizations.trace(auth, params.plant, params.id, query.direction),
}));

/** GET /v1/maintenance-requests/{id}: the request with its audit trail; another tenant's is a 404. */
import { httpHandler } from '#functions/lib/http.ts';
import { maintenance } from '#functions/lib/maintenance-services.ts';
import { routes } from '#shared/api/routes/maintenance.ts';

export const handler = httpHandler(routes.getMaintenanceRequest, async ({ auth, params }) => ({
  body: await maintenance.get(auth, params.id),
}));

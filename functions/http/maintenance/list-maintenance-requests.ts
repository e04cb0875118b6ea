/** GET /v1/maintenance-requests?status=&equipmentId=: the queue (no status: every request not done), or one status; of one unit. */
import { httpHandler } from '#functions/lib/http.ts';
import { maintenance } from '#functions/lib/maintenance-services.ts';
import { routes } from '#shared/api/routes/maintenance.ts';

export const handler = httpHandler(routes.listMaintenanceRequests, async ({ auth, query }) => ({
  body: await maintenance.list(auth, query),
}));

/** GET /v1/maintenance-plans/{id}: a plan, with the cycles counted since its last request (counter plans). */
import { httpHandler } from '#functions/lib/http.ts';
import { maintenance } from '#functions/lib/maintenance-services.ts';
import { routes } from '#shared/api/routes/maintenance.ts';

export const handler = httpHandler(routes.getMaintenancePlan, async ({ auth, params }) => ({
  body: await maintenance.getPlan(auth, params.id),
}));

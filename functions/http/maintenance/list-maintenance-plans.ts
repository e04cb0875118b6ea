/** GET /v1/maintenance-plans: the preventive plans, by id. */
import { httpHandler } from '#functions/lib/http.ts';
import { maintenance } from '#functions/lib/maintenance-services.ts';
import { routes } from '#shared/api/routes/maintenance.ts';

export const handler = httpHandler(routes.listMaintenancePlans, async ({ auth, query }) => ({
  body: await maintenance.listPlans(auth, query),
}));

/** PUT /v1/maintenance-plans/{id}: create or change a preventive plan. */
import { httpHandler } from '#functions/lib/http.ts';
import { maintenance } from '#functions/lib/maintenance-services.ts';
import { routes } from '#shared/api/routes/maintenance.ts';

export const handler = httpHandler(routes.putMaintenancePlan, async ({ auth, params, body, expectedVersion }) => ({
  body: await maintenance.putPlan(auth, params.id, body, expectedVersion),
}));

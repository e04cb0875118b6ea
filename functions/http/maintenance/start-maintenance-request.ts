/** POST /v1/maintenance-requests/{id}/start: one step of the request's state machine (a wrong one is a 409). */
import { httpHandler } from '#functions/lib/http.ts';
import { maintenance } from '#functions/lib/maintenance-services.ts';
import { routes } from '#shared/api/routes/maintenance.ts';

export const handler = httpHandler(routes.startMaintenanceRequest, async ({ auth, params, body, expectedVersion }) => ({
  body: await maintenance.transition(auth, params.id, { action: 'start', input: body }, expectedVersion),
}));

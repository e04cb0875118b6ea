/** POST /v1/maintenance-requests: a request on a unit, by a person or from one of its downtime events (linked both ways). */
import { httpHandler } from '#functions/lib/http.ts';
import { maintenance } from '#functions/lib/maintenance-services.ts';
import { routes } from '#shared/api/routes/maintenance.ts';

export const handler = httpHandler(routes.raiseMaintenanceRequest, async ({ auth, body }) => {
  const request = await maintenance.raise(auth, body);
  return { body: request, headers: { location: `/v1/maintenance-requests/${request.id}` } };
});

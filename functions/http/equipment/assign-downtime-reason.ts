/** PUT /v1/equipment/{id}/downtime/{start}/reason: supervisors code the stop; audited. */
import { httpHandler } from '#functions/lib/http.ts';
import { telemetry } from '#functions/lib/telemetry-services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.assignDowntimeReason, async ({ auth, params, body }) => ({
  body: await telemetry.assignDowntimeReason(auth, params.id, params.start, body),
}));

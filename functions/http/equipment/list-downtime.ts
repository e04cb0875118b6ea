/** GET /v1/equipment/{id}/downtime?from=&to= */
import { httpHandler } from '#functions/lib/http.ts';
import { telemetry } from '#functions/lib/telemetry-services.ts';
import { routes } from '#shared/api/routes/equipment.ts';

export const handler = httpHandler(routes.listDowntime, async ({ auth, params, query }) => ({
  body: { items: await telemetry.downtime(auth, params.id, query) },
}));

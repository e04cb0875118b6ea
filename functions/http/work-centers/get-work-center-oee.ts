/** GET /v1/work-centers/{id}/oee?from=&to= (or ?shift=&date=) */
import { httpHandler } from '#functions/lib/http.ts';
import { telemetry } from '#functions/lib/telemetry-services.ts';
import { routes } from '#shared/api/routes/equipment.ts';

export const handler = httpHandler(routes.getWorkCenterOee, async ({ auth, params, query }) => ({
  body: await telemetry.workCenterOee(auth, params.id, query),
}));

/** GET /v1/plant/status: every work unit's live state, since when and current operation, in one request. */
import { httpHandler } from '#functions/lib/http.ts';
import { telemetry } from '#functions/lib/telemetry-services.ts';
import { routes } from '#shared/api/routes/equipment.ts';

export const handler = httpHandler(routes.getPlantStatus, async ({ auth, query }) => ({
  body: await telemetry.plantStatus(auth, query),
}));

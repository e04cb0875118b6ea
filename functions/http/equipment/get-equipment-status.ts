/** GET /v1/equipment/{id}/status: live state, since when, current order and operation, OEE today. */
import { httpHandler } from '#functions/lib/http.ts';
import { telemetry } from '#functions/lib/telemetry-services.ts';
import { routes } from '#shared/api/routes/equipment.ts';

export const handler = httpHandler(routes.getEquipmentStatus, async ({ auth, params }) => ({
  body: await telemetry.status(auth, params.id),
}));

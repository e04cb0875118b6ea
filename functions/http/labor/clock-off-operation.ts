/** POST /v1/work-orders/{id}/operations/{seq}/clock-off */
import { httpHandler } from '#functions/lib/http.ts';
import { labor } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.clockOffOperation, async ({ auth, params, body }) => ({
  body: await labor.clockOff(auth, params.id, params.seq, body),
}));

/** POST /v1/labor/indirect/clock-off */
import { httpHandler } from '#functions/lib/http.ts';
import { labor } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.clockOffIndirect, async ({ auth, body }) => ({
  body: await labor.indirectOff(auth, body),
}));

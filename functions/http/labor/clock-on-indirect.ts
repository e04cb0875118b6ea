/** POST /v1/labor/indirect/clock-on */
import { httpHandler } from '#functions/lib/http.ts';
import { labor } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.clockOnIndirect, async ({ auth, body }) => ({
  body: await labor.indirectOn(auth, body),
}));

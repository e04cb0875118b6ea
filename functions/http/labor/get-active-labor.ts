/** GET /v1/labor/active: who is on what now */
import { httpHandler } from '#functions/lib/http.ts';
import { labor } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.getActiveLabor, async ({ auth }) => ({
  body: await labor.active(auth),
}));

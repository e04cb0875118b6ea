/** GET /v1/work-orders/{id}/labor */
import { httpHandler } from '#functions/lib/http.ts';
import { labor } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.getWorkOrderLabor, async ({ auth, params }) => ({
  body: await labor.orderLabor(auth, params.id),
}));

/** POST /v1/work-orders/{id}/operations/{seq}/consume */
import { httpHandler } from '#functions/lib/http.ts';
import { workOrders } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.consumeMaterial, async ({ auth, params, body, expectedVersion }) => ({
  body: await workOrders.consumeMaterial(auth, params.id, params.seq, body, expectedVersion),
}));

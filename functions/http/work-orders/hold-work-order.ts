/** POST /v1/work-orders/{id}/hold */
import { httpHandler } from '#functions/lib/http.ts';
import { workOrders } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.holdWorkOrder, async ({ auth, params, body, expectedVersion }) => ({
  body: await workOrders.hold(auth, params.id, body.reason, body.kind, expectedVersion),
}));

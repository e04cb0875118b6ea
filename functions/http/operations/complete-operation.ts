/** POST /v1/work-orders/{id}/operations/{seq}/complete */
import { httpHandler } from '#functions/lib/http.ts';
import { workOrders } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.completeOperation, async ({ auth, params, body, expectedVersion }) => ({
  body: await workOrders.completeOperation(auth, params.id, params.seq, body, expectedVersion),
}));

/** POST /v1/work-orders/{id}/cancel */
import { httpHandler } from '#functions/lib/http.ts';
import { logger } from '#functions/lib/logger.ts';
import { labor, workOrders } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.cancelWorkOrder, async ({ auth, params, body, expectedVersion }) => {
  const order = await workOrders.cancel(auth, params.id, body.reason, expectedVersion);
  // Issue 18: nobody stays clocked on a cancelled order (labor reads end such entries at cancelledAt).
  await labor
    .clockOffOperations(
      auth,
      params.id,
      order.operations.map((o) => o.seq),
      'order-cancelled',
    )
    .catch((error: Error) => logger.warn('labor: could not clock off the cancelled order', { workOrderId: params.id, error: error.message }));
  return { body: order };
});

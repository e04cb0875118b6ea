/** POST /v1/work-orders/{id}/operations/{seq}/complete */
import { httpHandler } from '#functions/lib/http.ts';
import { logger } from '#functions/lib/logger.ts';
import { labor, workOrders } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.completeOperation, async ({ auth, params, body, expectedVersion }) => {
  const order = await workOrders.completeOperation(auth, params.id, params.seq, body, expectedVersion);
  // Issue 18: everyone still on the operation is clocked off. After the completion's commit; a
  // failure here leaves the completion standing (labor reads end such entries at completedAt).
  await labor
    .clockOffOperations(auth, params.id, [params.seq], 'operation-completed')
    .catch((error: Error) =>
      logger.warn('labor: could not clock off the completed operation', { workOrderId: params.id, seq: params.seq, error: error.message }),
    );
  return { body: order };
});

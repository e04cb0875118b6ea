/** POST /v1/work-orders/{id}/hold: with a code of the plant's hold reason list (`reason` is its older name). */
import { httpHandler } from '#functions/lib/http.ts';
import { workOrders } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.holdWorkOrder, async ({ auth, params, body, expectedVersion }) => {
  const reason =
    body.reasonCode !== undefined ? { code: body.reasonCode, pointer: '/body/reasonCode' } : { code: body.reason ?? '', pointer: '/body/reason' };
  return { body: await workOrders.hold(auth, params.id, { ...reason, comment: body.comment }, body.kind, expectedVersion) };
});

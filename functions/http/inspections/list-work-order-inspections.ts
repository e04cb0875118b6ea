/** GET /v1/work-orders/{id}/inspections: what is due at the order's operations, with the recorded results. */
import { httpHandler } from '#functions/lib/http.ts';
import { inspections } from '#functions/lib/quality-services.ts';
import { routes } from '#shared/api/routes/inspections.ts';

export const handler = httpHandler(routes.listWorkOrderInspections, async ({ auth, params, query }) => ({
  body: await inspections.list(auth, params.id, { seq: query.seq, results: query.results !== 'false' }),
}));

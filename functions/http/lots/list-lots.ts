/** GET /v1/lots?materialId=&status=: a page of lots, oldest first. */
import { httpHandler } from '#functions/lib/http.ts';
import { lots } from '#functions/lib/tracking-services.ts';
import { routes } from '#shared/api/routes/tracking.ts';

export const handler = httpHandler(routes.listLots, async ({ auth, query }) => ({
  body: await lots.list(auth, { materialId: query.materialId, status: query.status }, query),
}));

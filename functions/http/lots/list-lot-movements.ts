/** GET /v1/lots/{id}/movements: what happened to the lot, oldest first. */
import { httpHandler } from '#functions/lib/http.ts';
import { lots } from '#functions/lib/tracking-services.ts';
import { routes } from '#shared/api/routes/tracking.ts';

export const handler = httpHandler(routes.listLotMovements, async ({ auth, params, query }) => ({
  body: await lots.movements(auth, params.id, query),
}));

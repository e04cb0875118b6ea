/** GET /v1/personnel/{id}/labor?from=&to= */
import { httpHandler } from '#functions/lib/http.ts';
import { labor } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/orders.ts';

export const handler = httpHandler(routes.getPersonLabor, async ({ auth, params, query }) => ({
  body: await labor.personLabor(auth, params.id, query),
}));

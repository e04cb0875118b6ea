/** GET /v1/materials/{id} */
import { httpHandler } from '#functions/lib/http.ts';
import { masterData } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.getMaterial, async ({ auth, params }) => ({
  body: await masterData.get(auth, 'material', params.id),
}));

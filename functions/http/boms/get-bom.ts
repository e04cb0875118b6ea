/** GET /v1/boms/{id} */
import { httpHandler } from '#functions/lib/http.ts';
import { masterData } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.getBom, async ({ auth, params }) => ({
  body: await masterData.get(auth, 'bom', params.id),
}));

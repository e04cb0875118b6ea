/** GET /v1/qualifications/{id} */
import { httpHandler } from '#functions/lib/http.ts';
import { masterData } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.getQualification, async ({ auth, params }) => ({
  body: await masterData.get(auth, 'qualification', params.id),
}));

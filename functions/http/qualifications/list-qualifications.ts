/** GET /v1/qualifications: a page at a time, by id. */
import { httpHandler } from '#functions/lib/http.ts';
import { masterData } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.listQualifications, async ({ auth, query }) => ({
  body: await masterData.list(auth, 'qualification', query),
}));

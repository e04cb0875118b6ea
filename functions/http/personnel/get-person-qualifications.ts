/** GET /v1/personnel/{id}/qualifications */
import { httpHandler } from '#functions/lib/http.ts';
import { qualifications } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.getPersonQualifications, async ({ auth, params }) => ({
  body: await qualifications.getPerson(auth, params.id),
}));

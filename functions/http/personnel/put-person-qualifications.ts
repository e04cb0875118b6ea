/** PUT /v1/personnel/{id}/qualifications: the whole set, versioned and audited. */
import { httpHandler } from '#functions/lib/http.ts';
import { qualifications } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.putPersonQualifications, async ({ auth, params, body, expectedVersion }) => ({
  body: await qualifications.putPerson(auth, params.id, body, expectedVersion),
}));

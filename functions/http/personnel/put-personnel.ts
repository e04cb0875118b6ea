/** PUT /v1/personnel/{id}: create or replace, versioned and audited. */
import { httpHandler } from '#functions/lib/http.ts';
import { masterData } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.putPersonnel, async ({ auth, params, body, expectedVersion }) => ({
  body: await masterData.put(auth, 'personnel', params.id, body, expectedVersion),
}));

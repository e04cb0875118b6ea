/** PUT /v1/materials/{id}: create or replace, versioned and audited. */
import { httpHandler } from '#functions/lib/http.ts';
import { masterData } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.putMaterial, async ({ auth, params, body, expectedVersion }) => ({
  body: await masterData.put(auth, 'material', params.id, body, expectedVersion),
}));

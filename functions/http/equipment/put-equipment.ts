/** PUT /v1/equipment/{id}: create or replace, versioned and audited. */
import { httpHandler } from '#functions/lib/http.ts';
import { masterData } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.putEquipment, async ({ auth, params, body, expectedVersion }) => ({
  body: await masterData.put(auth, 'equipment', params.id, body, expectedVersion),
}));

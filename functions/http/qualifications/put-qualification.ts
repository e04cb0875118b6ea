/** PUT /v1/qualifications/{id}: create or replace a qualification definition, versioned and audited. */
import { httpHandler } from '#functions/lib/http.ts';
import { masterData } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.putQualification, async ({ auth, params, body, expectedVersion }) => ({
  body: await masterData.put(auth, 'qualification', params.id, body, expectedVersion),
}));

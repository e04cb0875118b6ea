/** PUT /v1/inspection-plans/{id}: create or replace, versioned and audited (quality, admin, integration). */
import { httpHandler } from '#functions/lib/http.ts';
import { masterData } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.putInspectionPlan, async ({ auth, params, body, expectedVersion }) => ({
  body: await masterData.put(auth, 'inspection-plan', params.id, body, expectedVersion),
}));

/** GET /v1/inspection-plans/{id} */
import { httpHandler } from '#functions/lib/http.ts';
import { masterData } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.getInspectionPlan, async ({ auth, params }) => ({
  body: await masterData.get(auth, 'inspection-plan', params.id),
}));

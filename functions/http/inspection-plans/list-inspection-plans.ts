/** GET /v1/inspection-plans: a page at a time, by id. */
import { httpHandler } from '#functions/lib/http.ts';
import { masterData } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';

export const handler = httpHandler(routes.listInspectionPlans, async ({ auth, query }) => ({
  body: await masterData.list(auth, 'inspection-plan', query),
}));

/** GET /v1/nonconformances/{id}: one nonconformance with its audit trail; another tenant's is a 404. */
import { httpHandler } from '#functions/lib/http.ts';
import { nonconformances } from '#functions/lib/quality-services.ts';
import { routes } from '#shared/api/routes/nonconformances.ts';

export const handler = httpHandler(routes.getNonconformance, async ({ auth, params }) => ({ body: await nonconformances.get(auth, params.id) }));

/** GET /v1/lots/{id}: one lot; another tenant's is a 404. */
import { httpHandler } from '#functions/lib/http.ts';
import { lots } from '#functions/lib/tracking-services.ts';
import { routes } from '#shared/api/routes/tracking.ts';

export const handler = httpHandler(routes.getLot, async ({ auth, params }) => ({ body: await lots.get(auth, params.id) }));

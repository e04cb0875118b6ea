/** GET /v1/lots/{id}/genealogy?direction=backward|forward&cursor= */
import { genealogy } from '#functions/lib/genealogy-services.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/genealogy.ts';

export const handler = httpHandler(routes.traceLot, async ({ auth, params, query }) => ({
  body: await genealogy.trace(auth.tenantId, 'lot', params.id, query.direction, { cursor: query.cursor, limit: query.limit }),
}));

/** GET /v1/characteristics/{id}/spc?from=&to=&chart=&subgroupSize=: the control chart of a characteristic over a window. */
import { httpHandler } from '#functions/lib/http.ts';
import { spc } from '#functions/lib/quality-services.ts';
import { routes } from '#shared/api/routes/spc.ts';

export const handler = httpHandler(routes.getSpcChart, async ({ auth, params, query }) => ({
  body: await spc.chart(auth, params.id, query),
}));

/** POST /v1/characteristics/{id}/baseline: freeze the centre line and limits from a window of data (201, a new version). */
import { httpHandler } from '#functions/lib/http.ts';
import { spc } from '#functions/lib/quality-services.ts';
import { routes } from '#shared/api/routes/spc.ts';

export const handler = httpHandler(routes.freezeBaseline, async ({ auth, params, body }) => {
  const baseline = await spc.freezeBaseline(auth, params.id, body);
  return { body: baseline, status: 201, headers: { location: `/v1/characteristics/${encodeURIComponent(params.id)}/spc` } };
});

/** POST /v1/lots/merge: lots of one material and status into a new lot. */
import { httpHandler } from '#functions/lib/http.ts';
import { lots } from '#functions/lib/tracking-services.ts';
import { routes } from '#shared/api/routes/tracking.ts';

export const handler = httpHandler(routes.mergeLots, async ({ auth, body }) => {
  const lot = await lots.merge(auth, body);
  return { body: lot, headers: { location: `/v1/lots/${lot.id}` } };
});

/** POST /v1/serials/{id}/release: quality lifts a serial's hold. */
import { httpHandler } from '#functions/lib/http.ts';
import { serials } from '#functions/lib/tracking-services.ts';
import { routes } from '#shared/api/routes/tracking.ts';

export const handler = httpHandler(routes.releaseSerial, async ({ auth, params, body, expectedVersion }) => ({
  body: await serials.release(auth, params.id, body.comment, expectedVersion),
}));

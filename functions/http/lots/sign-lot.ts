/** POST /v1/lots/{id}/signatures: sign a held lot's release; the signature that completes the plant's policy releases it. */
import { httpHandler } from '#functions/lib/http.ts';
import { signing } from '#functions/lib/signing.ts';
import { lots } from '#functions/lib/tracking-services.ts';
import { routes } from '#shared/api/routes/tracking.ts';

export const handler = httpHandler(routes.signLot, async ({ auth, params, body }) => ({
  body: await lots.sign(auth, params.id, body, signing),
}));

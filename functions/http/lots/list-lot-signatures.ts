/** GET /v1/lots/{id}/signatures: the lot's signatures, each checked against the lot as it is now, and what its release still needs. */
import { httpHandler } from '#functions/lib/http.ts';
import { lots } from '#functions/lib/tracking-services.ts';
import { routes } from '#shared/api/routes/tracking.ts';

export const handler = httpHandler(routes.listLotSignatures, async ({ auth, params }) => ({
  body: await lots.signatures(auth, params.id),
}));

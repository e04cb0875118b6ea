/** POST /v1/work-orders/{id}/signatures: sign the order's batch record; the last required signature releases it. */
import { httpHandler } from '#functions/lib/http.ts';
import { recordSigning } from '#functions/lib/record-signing-services.ts';
import { routes } from '#shared/api/routes/work-order-signatures.ts';

export const handler = httpHandler(routes.signWorkOrderRecord, async ({ auth, params, body }) => ({
  body: await recordSigning.sign(auth, params.id, body),
}));

/** POST /v1/webhook-endpoints/{id}/rotate-secret: the new secret in this answer only; both sign for the grace period. */
import { httpHandler } from '#functions/lib/http.ts';
import { webhookEndpoints } from '#functions/lib/webhook-services.ts';
import { routes } from '#shared/api/routes/integration.ts';

export const handler = httpHandler(routes.rotateWebhookSecret, async ({ auth, params, body, expectedVersion }) => ({
  body: await webhookEndpoints().rotateSecret(auth, params.id, body.previousSecretValidSeconds, expectedVersion),
}));

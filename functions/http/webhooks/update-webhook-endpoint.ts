/** PATCH /v1/webhook-endpoints/{id}: If-Match names the version the change is based on. */
import { httpHandler } from '#functions/lib/http.ts';
import { webhookEndpoints } from '#functions/lib/webhook-services.ts';
import { routes } from '#shared/api/routes/integration.ts';

export const handler = httpHandler(routes.updateWebhookEndpoint, async ({ auth, params, body, expectedVersion }) => ({
  body: await webhookEndpoints().update(auth, params.id, body, expectedVersion),
}));

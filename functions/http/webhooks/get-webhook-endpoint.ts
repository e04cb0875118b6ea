/** GET /v1/webhook-endpoints/{id} */
import { httpHandler } from '#functions/lib/http.ts';
import { webhookEndpoints } from '#functions/lib/webhook-services.ts';
import { routes } from '#shared/api/routes/integration.ts';

export const handler = httpHandler(routes.getWebhookEndpoint, async ({ auth, params }) => ({
  body: await webhookEndpoints().get(auth, params.id),
}));

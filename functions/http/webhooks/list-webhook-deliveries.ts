/** GET /v1/webhook-endpoints/{id}/deliveries: messages newest first, with their attempts. */
import { httpHandler } from '#functions/lib/http.ts';
import { webhookEndpoints } from '#functions/lib/webhook-services.ts';
import { routes } from '#shared/api/routes/integration.ts';

export const handler = httpHandler(routes.listWebhookDeliveries, async ({ auth, params, query }) => ({
  body: await webhookEndpoints().deliveries(auth, params.id, query),
}));

/** POST /v1/webhook-endpoints/{id}/deliveries/{messageId}/retry: send again now, same webhook-id. */
import { httpHandler } from '#functions/lib/http.ts';
import { webhookEndpoints } from '#functions/lib/webhook-services.ts';
import { routes } from '#shared/api/routes/integration.ts';

export const handler = httpHandler(routes.retryWebhookMessage, async ({ auth, params }) => ({
  body: await webhookEndpoints().retry(auth, params.id, params.messageId),
}));

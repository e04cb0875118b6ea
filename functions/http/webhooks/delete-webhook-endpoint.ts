/** DELETE /v1/webhook-endpoints/{id}: 204; pending messages then fail ('endpoint deleted'). */
import { httpHandler } from '#functions/lib/http.ts';
import { webhookEndpoints } from '#functions/lib/webhook-services.ts';
import { routes } from '#shared/api/routes/integration.ts';

export const handler = httpHandler(routes.deleteWebhookEndpoint, async ({ auth, params, expectedVersion }) => {
  await webhookEndpoints().delete(auth, params.id, expectedVersion);
  return { body: undefined };
});

/** POST /v1/webhook-endpoints: subscribe a URL; its signing secret is in this answer only. */
import { httpHandler } from '#functions/lib/http.ts';
import { webhookEndpoints } from '#functions/lib/webhook-services.ts';
import { routes } from '#shared/api/routes/integration.ts';

export const handler = httpHandler(routes.createWebhookEndpoint, async ({ auth, body }) => {
  const endpoint = await webhookEndpoints().create(auth, body);
  return { body: endpoint, headers: { location: `/v1/webhook-endpoints/${endpoint.id}` } };
});

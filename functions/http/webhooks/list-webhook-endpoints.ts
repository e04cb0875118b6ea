/** GET /v1/webhook-endpoints: a page at a time, never a secret. */
import { httpHandler } from '#functions/lib/http.ts';
import { webhookEndpoints } from '#functions/lib/webhook-services.ts';
import { routes } from '#shared/api/routes/integration.ts';

export const handler = httpHandler(routes.listWebhookEndpoints, async ({ auth, query }) => ({
  body: await webhookEndpoints().list(auth, query),
}));

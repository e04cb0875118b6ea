/** POST /v1/webhook-endpoints/{id}/replay: every message since a time, again (at most 1,000 a call). */
import { httpHandler } from '#functions/lib/http.ts';
import { webhookEndpoints } from '#functions/lib/webhook-services.ts';
import { routes } from '#shared/api/routes/integration.ts';

export const handler = httpHandler(routes.replayWebhookMessages, async ({ auth, params, body }) => ({
  body: await webhookEndpoints().replay(auth, params.id, body.since),
}));

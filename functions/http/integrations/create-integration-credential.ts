/** POST /v1/integration-credentials: a new inbound credential; its secret is in this response only. */
import { httpHandler } from '#functions/lib/http.ts';
import { credentials } from '#functions/lib/integration-services.ts';
import { routes } from '#shared/api/routes/integration.ts';

export const handler = httpHandler(routes.createIntegrationCredential, async ({ auth, body }) => {
  const created = await credentials.create(auth, body);
  return { body: created, headers: { location: `/v1/integration-credentials/${created.id}` } };
});

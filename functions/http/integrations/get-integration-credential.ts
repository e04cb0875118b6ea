/** GET /v1/integration-credentials/{id}: one inbound credential, never its secret. */
import { httpHandler } from '#functions/lib/http.ts';
import { credentials } from '#functions/lib/integration-services.ts';
import { routes } from '#shared/api/routes/integration.ts';

export const handler = httpHandler(routes.getIntegrationCredential, async ({ auth, params }) => ({
  body: await credentials.get(auth, params.id),
}));

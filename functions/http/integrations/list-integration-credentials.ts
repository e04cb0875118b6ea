/** GET /v1/integration-credentials: the tenant's inbound credentials, never their secrets. */
import { httpHandler } from '#functions/lib/http.ts';
import { credentials } from '#functions/lib/integration-services.ts';
import { routes } from '#shared/api/routes/integration.ts';

export const handler = httpHandler(routes.listIntegrationCredentials, async ({ auth, query }) => ({
  body: await credentials.list(auth, query),
}));

/** DELETE /v1/integration-credentials/{id}: revoked at once; the record stays, with who revoked it and when. */
import { httpHandler } from '#functions/lib/http.ts';
import { credentials } from '#functions/lib/integration-services.ts';
import { routes } from '#shared/api/routes/integration.ts';

export const handler = httpHandler(routes.revokeIntegrationCredential, async ({ auth, params, expectedVersion }) => ({
  body: await credentials.revoke(auth, params.id, expectedVersion),
}));

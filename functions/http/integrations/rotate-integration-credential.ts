/** POST /v1/integration-credentials/{id}/rotate: a new secret (shown once); the previous one verifies for a grace period. */
import { httpHandler } from '#functions/lib/http.ts';
import { credentials } from '#functions/lib/integration-services.ts';
import { routes } from '#shared/api/routes/integration.ts';

export const handler = httpHandler(routes.rotateIntegrationCredential, async ({ auth, params, body, expectedVersion }) => ({
  body: await credentials.rotate(auth, params.id, body.previousSecretValidSeconds, expectedVersion),
}));

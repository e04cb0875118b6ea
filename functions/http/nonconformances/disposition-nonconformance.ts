/** POST /v1/nonconformances/{id}/disposition: decide a disposition, or approve (reject) a use-as-is decision as a second person. */
import { httpHandler } from '#functions/lib/http.ts';
import { nonconformances } from '#functions/lib/quality-services.ts';
import { routes } from '#shared/api/routes/nonconformances.ts';

export const handler = httpHandler(routes.dispositionNonconformance, async ({ auth, params, body, expectedVersion }) => ({
  body: await nonconformances.disposition(auth, params.id, body, expectedVersion),
}));

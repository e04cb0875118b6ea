/** GET /v1/nonconformances/{id}/signatures: the signatures, each checked against the decision as it is now, and what is missing. */
import { httpHandler } from '#functions/lib/http.ts';
import { nonconformanceSigning } from '#functions/lib/quality-services.ts';
import { routes } from '#shared/api/routes/nonconformances.ts';

export const handler = httpHandler(routes.listNonconformanceSignatures, async ({ auth, params }) => ({
  body: await nonconformanceSigning.signatures(auth, params.id),
}));

/** POST /v1/nonconformances/{id}/signatures: sign a use-as-is decision as its second person; the completing signature approves it. */
import { httpHandler } from '#functions/lib/http.ts';
import { nonconformanceSigning } from '#functions/lib/quality-services.ts';
import { routes } from '#shared/api/routes/nonconformances.ts';

export const handler = httpHandler(routes.signNonconformance, async ({ auth, params, body }) => ({
  body: await nonconformanceSigning.sign(auth, params.id, body),
}));

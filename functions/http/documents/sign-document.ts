/** POST /v1/documents/{id}/signatures: sign a version in review without approving it. */
import { documents } from '#functions/lib/document-services.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/documents.ts';

export const handler = httpHandler(routes.signDocument, async ({ auth, params, body }) => {
  const { version, ...request } = body;
  return { body: await documents.sign(auth, params.id, version, request) };
});

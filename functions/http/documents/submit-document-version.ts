/** POST /v1/documents/{id}/versions/{version}/submit: a draft goes to review. */
import { documents } from '#functions/lib/document-services.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/documents.ts';

export const handler = httpHandler(routes.submitDocumentVersion, async ({ auth, params, expectedVersion }) => ({
  body: await documents.submit(auth, params.id, params.version, expectedVersion),
}));

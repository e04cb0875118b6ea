/** GET /v1/documents/{id}/signatures[?version=]: the signatures of the document's versions, each with its validity. */
import { documents } from '#functions/lib/document-services.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/documents.ts';

export const handler = httpHandler(routes.listDocumentSignatures, async ({ auth, params, query }) => ({
  body: await documents.signatures(auth, params.id, query.version),
}));

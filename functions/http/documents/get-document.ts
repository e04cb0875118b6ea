/** GET /v1/documents/{id}[?version=]: the version in force (authors: any version); another tenant's is a 404. */
import { documents } from '#functions/lib/document-services.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { routes } from '#shared/api/routes/documents.ts';

export const handler = httpHandler(routes.getDocument, async ({ auth, params, query }) => ({
  body: await documents.get(auth, params.id, query.version),
}));

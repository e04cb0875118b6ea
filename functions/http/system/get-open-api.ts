/** GET /v1/openapi.json: generated from the route table's zod schemas, once per cold start. */
import { httpHandler } from '#functions/lib/http.ts';
import { openApiDocument } from '#shared/api/openapi.ts';
import { routes } from '#shared/api/routes/system.ts';

let document: object | undefined;

export const handler = httpHandler(routes.getOpenApi, async () => {
  document ??= openApiDocument(process.env.APP_VERSION ?? 'dev');
  return { body: document, headers: { 'cache-control': 'public, max-age=300' } };
});

/**
 * POST /v1/recalls: hold the whole forward trace of a lot or serial (201); the same id again
 * resumes or re-runs it (200); 202 with the recall `in-progress` when the request's time ran
 * out first: the same request again goes on.
 */
import { httpHandler } from '#functions/lib/http.ts';
import { recalls } from '#functions/lib/tracking-services.ts';
import { routes } from '#shared/api/routes/tracking.ts';

export const handler = httpHandler(routes.startRecall, async ({ auth, body }) => {
  const root = body.lotId !== undefined ? { kind: 'lot' as const, id: body.lotId } : { kind: 'serial' as const, id: body.serialId as string };
  const { recall, created, finished } = await recalls.run(auth, { root, reason: body.reason, id: body.id });
  return { body: recall, status: !finished ? 202 : created ? 201 : 200, headers: { location: `/v1/recalls/${recall.id}` } };
});

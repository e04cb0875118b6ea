/** PUT /v1/qualifications/{id}: create or replace a qualification definition, versioned and audited. */
import { httpHandler } from '#functions/lib/http.ts';
import { masterData } from '#functions/lib/services.ts';
import { routes } from '#shared/api/routes/master-data.ts';
import { ValidationError } from '#shared/domain/errors.ts';

export const handler = httpHandler(routes.putQualification, async ({ auth, params, body, expectedVersion }) => {
  // GET /v1/qualifications/expiring is the expiring view: a qualification of that id could never be read.
  if (params.id === 'expiring')
    throw new ValidationError([{ pointer: '/path/id', detail: '"expiring" is taken by the expiring view: choose another id' }]);
  return { body: await masterData.put(auth, 'qualification', params.id, body, expectedVersion) };
});

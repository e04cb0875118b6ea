/**
 * POST /v1/live-feed/session (docs/live-feed.md): on AWS it attaches the browser IoT policy to
 * the caller's Cognito identity, derived from the caller's ID token. Locally there is no identity
 * pool: every role gets a 204 and nothing happens (the local broker takes the local token). The
 * route takes nothing from the client: an identity id sent in the body is refused, and the AWS
 * path refuses a bearer token that is not the authorizer's user before any AWS call. The AWS
 * calls themselves (GetId, AttachPolicy) cannot run here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { attachBrowserPolicy, bearerToken } from '#functions/lib/live-feed-session.ts';
import { ROLES } from '#shared/domain/roles.ts';
import { UnauthorizedError } from '#shared/domain/errors.ts';
import { Api, type Mes, PROBLEM, as, assertProblem, newTenant, startMes, tokenFor } from '../e2e/support/mes.ts';

const PATH = '/v1/live-feed/session';

describe('live feed session', () => {
  let mes: Mes;
  const tenant = newTenant();
  before(async () => {
    mes = await startMes();
  });
  after(async () => {
    await mes?.stop();
  });

  it('answers 204 to every role locally, with or without an empty JSON body, and does nothing', async () => {
    for (const role of ROLES) {
      const api = await as(mes, tenant, `u-${role}`, [role]);
      const reply = await api.post(PATH, {});
      assert.equal(reply.status, 204, `${role}: ${reply.text}`);
      assert.equal(reply.text, '');
      const bare = await api.request('POST', PATH);
      assert.equal(bare.status, 204, `${role} without a body: ${bare.text}`);
    }
  });

  it('refuses an identity id sent by the client, naming the body', async () => {
    const api = await as(mes, tenant, 'u-supervisor', ['supervisor']);
    const reply = await api.post(PATH, { identityId: 'eu-west-1:00000000-0000-0000-0000-000000000000' });
    const problem = assertProblem(reply, 400, { type: PROBLEM.invalidInput, pointers: ['/body'] });
    assert.match(JSON.stringify(problem.errors), /identityId/);
    assertProblem(await api.post(PATH, ['x']), 400, { type: PROBLEM.invalidInput, pointers: ['/body'] });
  });

  it('answers 401 without a token', async () => {
    assertProblem(await new Api(mes.baseUrl).post(PATH, {}), 401, { type: PROBLEM.unauthorized });
  });

  it("on AWS, takes only the authorizer's own user's bearer token, before any AWS call", async () => {
    const token = await tokenFor(mes, tenant, 'u-one', ['operator']);
    assert.equal(bearerToken(`Bearer ${token}`), token);
    assert.throws(() => bearerToken(undefined), UnauthorizedError);
    assert.throws(() => bearerToken('Basic abc'), UnauthorizedError);
    await assert.rejects(attachBrowserPolicy({ parameter: '/never/read', authorization: `Bearer ${token}`, userId: 'u-other' }), UnauthorizedError);
    await assert.rejects(attachBrowserPolicy({ parameter: '/never/read', authorization: 'Bearer not-a-jwt', userId: 'u-one' }), UnauthorizedError);
  });
});

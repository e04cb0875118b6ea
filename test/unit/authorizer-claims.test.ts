/**
 * The handler chain reads the caller from the JWT authorizer's claims (API Gateway verified the
 * token): claim values are strings, `cognito:groups` arrives as "[admin supervisor]" (or, from
 * other sources, as an array). A token without tenant or user, or not an ID token, is a 401;
 * a role the route does not allow is a 403; both as problem+json before the route's logic runs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { type AuthorizerClaims, authorize, groupsOf } from '#functions/lib/auth.ts';
import { httpHandler } from '#functions/lib/http.ts';
import { type RouteDef, routes } from '#shared/api/routes.ts';

const TENANT = 'acme-plant-1';
/** As API Gateway passes the claims of a Cognito ID token. */
const claims = (overrides: Partial<AuthorizerClaims> = {}): AuthorizerClaims => ({
  sub: 'u-1',
  'custom:tenantId': TENANT,
  'cognito:groups': '[admin supervisor]',
  token_use: 'id',
  name: 'Ada',
  exp: '1893456000',
  ...overrides,
});

const adminOnly = { ...routes.getHealth, roles: ['admin'] } as const satisfies RouteDef;
const handler = httpHandler(adminOnly, async ({ auth }) => ({ body: auth }));
const call = async (authorizerClaims: AuthorizerClaims | undefined) => {
  const event = {
    version: '2.0',
    routeKey: 'GET /v1/health',
    rawPath: '/v1/health',
    headers: {},
    requestContext: { requestId: 'req-1', ...(authorizerClaims ? { authorizer: { jwt: { claims: authorizerClaims, scopes: [] } } } : {}) },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
  const reply = (await handler(event, { awsRequestId: 'a', getRemainingTimeInMillis: () => 10_000 } as Context)) as APIGatewayProxyStructuredResultV2;
  return { status: reply.statusCode, type: reply.headers?.['content-type'], body: JSON.parse(reply.body as string) };
};

describe('claims from the JWT authorizer', () => {
  it('reads cognito:groups as the authorizer passes it, or as an array', () => {
    assert.deepEqual(groupsOf('[admin supervisor]'), ['admin', 'supervisor']);
    assert.deepEqual(groupsOf('[operator]'), ['operator']);
    assert.deepEqual(groupsOf('[]'), []);
    // A group name may hold a comma, never a space: '[viewer,admin]' is one group, not admin.
    assert.deepEqual(groupsOf('[viewer,admin]'), ['viewer,admin']);
    assert.deepEqual(groupsOf(['planner', 'quality']), ['planner', 'quality']);
    assert.deepEqual(groupsOf(undefined), []);
  });

  it('gives the route its caller: tenant, user, name and roles', async () => {
    // Act
    const reply = await call(claims());
    // Assess
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { tenantId: TENANT, userId: 'u-1', name: 'Ada', roles: ['admin', 'supervisor'] });
  });

  it('is a 401 problem without claims, without a tenant, without a user, or for an access token', async () => {
    for (const bad of [
      undefined,
      claims({ 'custom:tenantId': undefined as never }),
      claims({ sub: undefined as never }),
      claims({ token_use: 'access' }),
      claims({ 'custom:tenantId': 'Not A Tenant' }),
    ]) {
      const reply = await call(bad && Object.fromEntries(Object.entries(bad).filter(([, v]) => v !== undefined)));
      assert.equal(reply.status, 401, JSON.stringify(bad));
      assert.equal(reply.type, 'application/problem+json');
      assert.equal(reply.body.type, 'urn:mes:problem:unauthorized');
    }
  });

  it('is a 403 problem for a role the route does not allow, naming the roles that may', async () => {
    // Act
    const reply = await call(claims({ 'cognito:groups': '[operator quality]' }));
    // Assess
    assert.equal(reply.status, 403);
    assert.equal(reply.body.type, 'urn:mes:problem:forbidden');
    assert.match(reply.body.detail, /admin/);
  });

  it('ignores group names that are no role', () => {
    assert.throws(() => authorize(claims({ 'cognito:groups': '[root superuser]' }), ['admin']), { name: 'ForbiddenError' });
  });
});

/**
 * The local gateway stands in for the HTTP API's JWT authorizer, in one place: a non-public
 * route's token must be signed (RS256) by the local identity's key, for its issuer and
 * audience, and unexpired; otherwise the answer is a 401 problem+json and no function is
 * invoked. A valid token's claims reach the function as the authorizer passes them. Public
 * routes get no authorizer context.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { generateKeyPair, SignJWT } from 'jose';
import { createHttpServer, type HandlerResolver, silentLog } from '../../infra/local/http-server.ts';
import { createLocalIdentity, type LocalIdentity, loadSigningKey, type SigningKey } from '../../infra/local/identity.ts';

describe('the local gateway verifies tokens as the JWT authorizer would', () => {
  let baseUrl: string;
  let identity: LocalIdentity;
  let key: SigningKey;
  const invoked: APIGatewayProxyEventV2[] = [];
  const handlerResolver: HandlerResolver = async () => async (event) => {
    invoked.push(event);
    return { statusCode: 200, body: '{}' };
  };
  const server = createHttpServer({ identity: () => identity, handlerResolver, log: silentLog });

  before(async () => {
    key = await loadSigningKey();
    baseUrl = await server.listen(0);
    identity = createLocalIdentity(key, baseUrl);
  });
  after(() => server.close());

  /** The identity's claims, signed as told. */
  const sign = (options: { audience?: string; issuer?: string; expiresAt?: number; privateKey?: CryptoKey } = {}) =>
    new SignJWT({ 'custom:tenantId': 'acme-plant-1', 'cognito:groups': ['supervisor', 'operator'], token_use: 'id', name: 'Sam' })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setSubject('u-sam')
      .setIssuer(options.issuer ?? identity.issuer)
      .setAudience(options.audience ?? identity.audience)
      .setIssuedAt()
      .setExpirationTime(options.expiresAt ?? Math.floor(Date.now() / 1000) + 600)
      .sign(options.privateKey ?? key.privateKey);
  const get = (path: string, token?: string) => fetch(`${baseUrl}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  it('passes a valid token’s claims in the authorizer’s format: strings, groups as "[a b]"', async () => {
    // Prepare
    invoked.length = 0;
    // Act
    const res = await get(
      '/v1/work-orders/WO-1',
      await identity.issueToken({ tenantId: 'acme-plant-1', userId: 'u-sam', name: 'Sam', roles: ['supervisor', 'operator'] }),
    );
    // Assess
    assert.equal(res.status, 200);
    const claims = (invoked[0]!.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
    assert.equal(claims?.['cognito:groups'], '[supervisor operator]');
    assert.equal(claims?.['custom:tenantId'], 'acme-plant-1');
    assert.equal(claims?.sub, 'u-sam');
    assert.equal(claims?.token_use, 'id');
    assert.match(String(claims?.exp), /^\d+$/);
  });

  it('answers 401 problem+json and invokes nothing for a bad signature, another audience or issuer, an expired or missing token', async () => {
    // Prepare
    const { privateKey: foreignKey } = await generateKeyPair('RS256');
    const cases = {
      'bad signature': await sign({ privateKey: foreignKey }),
      'wrong audience': await sign({ audience: 'someone-else' }),
      'wrong issuer': await sign({ issuer: 'https://elsewhere.example' }),
      expired: await sign({ expiresAt: Math.floor(Date.now() / 1000) - 60 }),
      missing: undefined,
    };
    invoked.length = 0;
    for (const [what, token] of Object.entries(cases)) {
      // Act
      const res = await get('/v1/work-orders/WO-1', token);
      // Assess
      assert.equal(res.status, 401, what);
      assert.equal(res.headers.get('content-type'), 'application/problem+json', what);
      const problem = (await res.json()) as { type: string; instance: string };
      assert.equal(problem.type, 'urn:mes:problem:unauthorized', what);
      assert.equal(problem.instance, '/v1/work-orders/WO-1', what);
    }
    assert.equal(invoked.length, 0, 'no function was invoked');
  });

  it('gives a public route no authorizer context, token or not', async () => {
    // Prepare
    invoked.length = 0;
    // Act
    await get('/v1/health');
    await get('/v1/health', await sign());
    // Assess
    assert.equal(invoked.length, 2);
    for (const event of invoked) assert.equal((event.requestContext as { authorizer?: unknown }).authorizer, undefined);
  });
});

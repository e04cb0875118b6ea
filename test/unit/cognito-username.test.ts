/**
 * One Cognito user pool serves every plant, so a user's username is `{tenantId}.{userId}`: the
 * MES user id is the username without its tenant (what records name and what a signer types),
 * the token's `sub` only for a user made by hand outside that convention; and the signing
 * password check sends Cognito the username of the user id typed, in the caller's plant.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CognitoPasswordVerifier } from '../../shared/auth/cognito-password.ts';
import { userIdOf } from '../../shared/auth/claims.ts';

describe("a Cognito user's MES user id", () => {
  it('is the username without its tenant, else the sub', () => {
    const sub = '5f0c1c2e-0000-4000-8000-000000000001';
    assert.equal(userIdOf({ sub, 'cognito:username': 'acme.anna' }, 'acme'), 'anna');
    assert.equal(userIdOf({ sub, 'cognito:username': 'acme.a.b' }, 'acme'), 'a.b');
    // Another plant's prefix, no prefix, or nothing after it: the sub.
    assert.equal(userIdOf({ sub, 'cognito:username': 'acme-2.anna' }, 'acme'), sub);
    assert.equal(userIdOf({ sub, 'cognito:username': 'anna' }, 'acme'), sub);
    assert.equal(userIdOf({ sub, 'cognito:username': 'acme.' }, 'acme'), sub);
    assert.equal(userIdOf({ 'cognito:username': 'acme.anna' }, undefined), undefined);
  });

  it('signs with the username of the user id typed, in the caller plant', async () => {
    const sent: unknown[] = [];
    const fake = (async (_url: string, init: { body: string }) => {
      sent.push(JSON.parse(init.body));
      return new Response(JSON.stringify({ ChallengeName: 'SOFTWARE_TOKEN_MFA' }), { status: 200 });
    }) as unknown as typeof fetch;
    const verifier = new CognitoPasswordVerifier('https://cognito-idp.example/', 'client-1', fake);
    assert.equal(await verifier.verify('acme', 'anna', 'secret'), true);
    assert.deepEqual((sent[0] as { AuthParameters: unknown }).AuthParameters, { USERNAME: 'acme.anna', PASSWORD: 'secret' });
  });
});

/**
 * The identity port on Cognito (issue 17): the requests it sends, seen as the SDK serialized
 * them (target, body), by a middleware in the real client's own stack after `build`, which
 * answers instead of the network.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoIdentity, newTemporaryPassword } from '#functions/lib/cognito-identity.ts';

interface Sent {
  target: string;
  body: Record<string, unknown>;
}

/** A real client whose sends stop after serialization: `answer` gives each operation's output (or throws). */
function intercepted(answer: (operation: string, body: Record<string, unknown>) => unknown) {
  const sent: Sent[] = [];
  const client = new CognitoIdentityProviderClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
  client.middlewareStack.add(
    () => async (args) => {
      const request = args.request as { headers: Record<string, string>; body: string };
      const target = (request.headers['x-amz-target'] ?? '').replace('AWSCognitoIdentityProviderService.', '');
      const body = JSON.parse(request.body) as Record<string, unknown>;
      sent.push({ target, body });
      return { output: { $metadata: {}, ...(answer(target, body) as object) }, response: {} };
    },
    { step: 'build', name: 'interceptSend' },
  );
  return { sent, identity: new CognitoIdentity('eu-west-1_POOL', async () => client) };
}

const exists = () => Object.assign(new Error('User account already exists'), { name: 'UsernameExistsException' });

describe('the identity port on Cognito', () => {
  it('invites a user with an e-mail: Cognito sends the invitation; tenant, name and groups set', async () => {
    const { sent, identity } = intercepted((op) => (op === 'AdminCreateUser' ? { User: { Attributes: [{ Name: 'sub', Value: 'sub-123' }] } } : {}));
    const created = await identity.createUser({
      tenantId: 'acme',
      userId: 'anna',
      name: 'Anna',
      email: 'anna@example.com',
      roles: ['admin', 'quality'],
    });
    assert.deepEqual(created, { subject: 'sub-123', existed: false });
    assert.deepEqual(sent[0], {
      target: 'AdminCreateUser',
      body: {
        UserPoolId: 'eu-west-1_POOL',
        Username: 'acme.anna',
        UserAttributes: [
          { Name: 'custom:tenantId', Value: 'acme' },
          { Name: 'name', Value: 'Anna' },
          { Name: 'email', Value: 'anna@example.com' },
          { Name: 'email_verified', Value: 'true' },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      },
    });
    assert.deepEqual(
      sent.slice(1).map((s) => [s.target, s.body.Username, s.body.GroupName]),
      [
        ['AdminAddUserToGroup', 'acme.anna', 'admin'],
        ['AdminAddUserToGroup', 'acme.anna', 'quality'],
      ],
    );
  });

  it('invites a user without e-mail: its own temporary password, nothing sent, answered once', async () => {
    const { sent, identity } = intercepted(() => ({ User: { Attributes: [{ Name: 'sub', Value: 'sub-9' }] } }));
    const created = await identity.createUser({ tenantId: 'acme', userId: 'piet', name: 'Piet', roles: ['operator'] });
    const body = sent[0]?.body as { TemporaryPassword: string; MessageAction: string; DesiredDeliveryMediums?: unknown };
    assert.equal(body.MessageAction, 'SUPPRESS');
    assert.equal(body.DesiredDeliveryMediums, undefined);
    assert.equal(created.temporaryPassword, body.TemporaryPassword);
    assert.match(body.TemporaryPassword, /^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[!#%+\-=?@]).{16}$/);
  });

  it('finds a user that exists already (a retry): its subject, no password, no groups added', async () => {
    const { sent, identity } = intercepted((op) => {
      if (op === 'AdminCreateUser') throw exists();
      return { UserAttributes: [{ Name: 'sub', Value: 'sub-old' }] };
    });
    const created = await identity.createUser({ tenantId: 'acme', userId: 'anna', name: 'Anna', email: 'a@example.com', roles: ['admin'] });
    assert.deepEqual(created, { subject: 'sub-old', existed: true });
    assert.deepEqual(
      sent.map((s) => s.target),
      ['AdminCreateUser', 'AdminGetUser'],
    );
  });

  it('sets roles as groups: removes the plant roles no longer given, adds the new, leaves other groups', async () => {
    const { sent, identity } = intercepted((op) =>
      op === 'AdminListGroupsForUser' ? { Groups: [{ GroupName: 'operator' }, { GroupName: 'quality' }, { GroupName: 'org-viewer' }] } : {},
    );
    await identity.setRoles('acme', 'piet', ['operator', 'supervisor']);
    assert.deepEqual(
      sent.map((s) => [s.target, s.body.GroupName ?? null]),
      [
        ['AdminListGroupsForUser', null],
        ['AdminRemoveUserFromGroup', 'quality'],
        ['AdminAddUserToGroup', 'supervisor'],
      ],
    );
    assert.ok(sent.every((s) => s.body.Username === 'acme.piet' && s.body.UserPoolId === 'eu-west-1_POOL'));
  });

  it('disables a user', async () => {
    const { sent, identity } = intercepted(() => ({}));
    await identity.disable('acme', 'piet');
    assert.deepEqual(sent, [{ target: 'AdminDisableUser', body: { UserPoolId: 'eu-west-1_POOL', Username: 'acme.piet' } }]);
  });

  it('makes temporary passwords the pool policy accepts', () => {
    for (let i = 0; i < 50; i++) assert.match(newTemporaryPassword(), /^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[!#%+\-=?@]).{16}$/);
  });
});

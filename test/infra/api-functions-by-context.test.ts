/**
 * Every API function of shared/api/functions.ts becomes one Lambda, and every entry of the route
 * table one HTTP API route integrated with its context's function; routes without roles are
 * public, every other route sits behind the Cognito JWT authorizer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { apiFunctionsOf } from '../../shared/api/functions.ts';
import { routeList, routes } from '../../shared/api/routes.ts';
import { ALL_ROLES } from '../../shared/domain/roles.ts';
import { newMesApp, resourcesOf } from './mes-app.ts';

describe('the API stack', () => {
  // Prepare
  const { stacks } = newMesApp();
  const template = Template.fromStack(stacks.api);
  const functions = Object.values(resourcesOf(template, 'AWS::Lambda::Function'));
  const apiRoutes = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Route'));
  const authorizers = resourcesOf(template, 'AWS::ApiGatewayV2::Authorizer');
  const integrations = resourcesOf(template, 'AWS::ApiGatewayV2::Integration');
  const apiFunctions = apiFunctionsOf(routeList);
  const functionIds = Object.entries(resourcesOf(template, 'AWS::Lambda::Function'));
  /** The Lambda of an API function, found by its description (`orders: ...`). */
  const lambdaOf = (id: string) => functionIds.filter(([, fn]) => String(fn.Properties.Description).startsWith(`${id}: `));
  const functionOf = (route: (typeof routeList)[number]) => lambdaOf(route.fn).map(([, fn]) => fn);
  const apiRouteOf = (route: (typeof routeList)[number]) => apiRoutes.filter((r) => r.Properties.RouteKey === `${route.method} ${route.path}`);

  it('has exactly one function per API function and no other function', () => {
    // Act
    const perFunction = apiFunctions.map((fn) => [fn.id, lambdaOf(fn.id).length]);
    // Assess
    assert.deepEqual(
      perFunction,
      apiFunctions.map((fn) => [fn.id, 1]),
    );
    assert.equal(functions.length, apiFunctions.length);
  });

  it("integrates every route with its context's function, through one integration per function", () => {
    for (const route of routeList) {
      // Prepare
      const [apiRoute] = apiRouteOf(route);
      const integration = integrations[String(apiRoute!.Properties.Target['Fn::Join'][1][1].Ref)];
      const [[lambdaId]] = lambdaOf(route.fn) as [[string, unknown]];
      // Assess
      assert.deepEqual(integration!.Properties.IntegrationUri, { 'Fn::GetAtt': [lambdaId, 'Arn'] }, route.id);
      assert.equal(integration!.Properties.PayloadFormatVersion, '2.0');
    }
    assert.equal(Object.keys(integrations).length, apiFunctions.length);
  });

  it('takes a new route in an existing context for an API route alone: no new function, permission or integration', () => {
    // Prepare: three more routes of the same shape, one per context of a supervisor's walk
    const more = (['orders', 'masterData', 'equipment'] as const).map((fn, i) => ({
      ...routes.getWorkOrder,
      id: `extra${i}`,
      path: `/v1/extra-${i}/{id}`,
      fn,
    }));
    const count = (t: Template) =>
      Object.values(t.toJSON().Resources as Record<string, { Type: string }>).reduce<Record<string, number>>((n, r) => {
        n[r.Type] = (n[r.Type] ?? 0) + 1;
        return n;
      }, {});
    // Act
    const grown = count(Template.fromStack(newMesApp({ routes: [...routeList, ...more] }).stacks.api));
    const today = count(template);
    // Assess
    const added = Object.fromEntries(
      Object.entries(grown)
        .filter(([type, n]) => n !== today[type])
        .map(([type, n]) => [type, n - (today[type] ?? 0)]),
    );
    assert.deepEqual(added, { 'AWS::ApiGatewayV2::Route': 3 });
  });

  it('lets only this API invoke each function, through one permission per function', () => {
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')) as { Properties: Record<string, any> }[];
    assert.equal(permissions.length, apiFunctions.length);
    for (const p of permissions) {
      assert.equal(p.Properties.Principal, 'apigateway.amazonaws.com');
      assert.match(JSON.stringify(p.Properties.SourceArn), /execute-api/);
      assert.match(JSON.stringify(p.Properties.SourceArn), /\/\*\/\*"\]/, 'any route of this API, which the function then matches itself');
    }
  });

  it('runs every function on arm64 and Node.js 22 or newer, with JSON logs and its own log group', () => {
    for (const fn of functions) {
      const p = fn.Properties;
      assert.deepEqual(p.Architectures, ['arm64'], p.Description);
      const major = Number(/^nodejs(\d+)\.x$/.exec(p.Runtime)?.[1]);
      assert.ok(major >= 22, `${p.Description} runs ${p.Runtime}`);
      assert.equal(p.Handler, 'index.handler');
      assert.equal(p.LoggingConfig.LogFormat, 'JSON');
      assert.ok(p.LoggingConfig.LogGroup?.Ref, `${p.Description} logs to its own log group`);
      assert.equal(p.Environment.Variables.NODE_OPTIONS, undefined, 'no --enable-source-maps: it slows every cold start');
    }
  });

  it('gives every function its settings but no auth settings (the JWT authorizer verified the token), and the table name only to those that use the table', () => {
    for (const route of routeList) {
      const env = functionOf(route)[0]!.Properties.Environment.Variables;
      for (const name of ['APP_VERSION', 'POWERTOOLS_SERVICE_NAME']) assert.ok(env[name], `${route.id} has ${name}`);
      for (const name of ['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_JWKS_URL']) assert.equal(env[name], undefined, `${route.id} has no ${name}`);
      if (route.table !== 'none') assert.ok('TABLE_NAME' in env, `${route.id} TABLE_NAME`);
    }
    for (const fn of apiFunctions) {
      const env = lambdaOf(fn.id)[0]![1].Properties.Environment.Variables;
      assert.equal('TABLE_NAME' in env, fn.table !== 'none', `${fn.id} TABLE_NAME`);
    }
  });

  it('exposes every route once, public routes without an authorizer, all others with the JWT authorizer', () => {
    // Prepare
    const [jwtId, jwt] = Object.entries(authorizers)[0]!;
    // Assess
    assert.equal(Object.keys(authorizers).length, 1);
    assert.equal(jwt.Properties.AuthorizerType, 'JWT');
    assert.equal(apiRoutes.length, routeList.length);
    for (const route of routeList) {
      const [apiRoute, ...others] = apiRouteOf(route);
      assert.ok(apiRoute && others.length === 0, `${route.id} is exposed once`);
      if (route.roles === null) {
        assert.equal(apiRoute.Properties.AuthorizationType, 'NONE', `${route.id} is public`);
        assert.equal(apiRoute.Properties.AuthorizerId, undefined);
      } else {
        assert.equal(apiRoute.Properties.AuthorizationType, 'JWT', `${route.id} needs a token`);
        assert.deepEqual(apiRoute.Properties.AuthorizerId, { Ref: jwtId });
      }
    }
  });

  it('accepts ID tokens of the user pool: issuer is the pool URL, audience the web client', () => {
    // Prepare
    const pool = Object.keys(resourcesOf(template, 'AWS::Cognito::UserPool'))[0];
    const client = Object.keys(resourcesOf(template, 'AWS::Cognito::UserPoolClient'))[0];
    // Assess
    const jwt = Object.values(authorizers)[0]!.Properties;
    assert.deepEqual(jwt.IdentitySource, ['$request.header.Authorization']);
    assert.deepEqual(jwt.JwtConfiguration, {
      Issuer: { 'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: pool }]] },
      Audience: [{ Ref: client }],
    });
  });

  it('throttles the stage and writes JSON access logs to a log group', () => {
    const [stage] = Object.values(resourcesOf(template, 'AWS::ApiGatewayV2::Stage'));
    const p = stage!.Properties;
    assert.equal(p.StageName, '$default');
    // The account-level guard only (issue 17): the plants' own limits do the fairness, well below it.
    assert.deepEqual([p.DefaultRouteSettings.ThrottlingRateLimit, p.DefaultRouteSettings.ThrottlingBurstLimit], [2000, 4000]);
    assert.ok(p.AccessLogSettings.DestinationArn['Fn::GetAtt']);
    assert.equal(JSON.parse(p.AccessLogSettings.Format).requestId, '$context.requestId');
  });

  it('has a user pool with an immutable tenantId, one group per role, required MFA, no self sign-up', () => {
    // Prepare
    const pool = Object.values(resourcesOf(template, 'AWS::Cognito::UserPool'))[0]!.Properties;
    const groups = Object.values(resourcesOf(template, 'AWS::Cognito::UserPoolGroup'));
    // Assess
    const tenantId = pool.Schema.find((a: { Name: string }) => a.Name === 'tenantId');
    assert.equal(tenantId.Mutable, false);
    assert.equal(tenantId.AttributeDataType, 'String');
    assert.deepEqual(groups.map((g) => g.Properties.GroupName).sort(), [...ALL_ROLES].sort());
    assert.equal(pool.MfaConfiguration, 'ON');
    assert.equal(pool.AdminCreateUserConfig.AllowAdminCreateUserOnly, true);
    assert.ok(pool.Policies.PasswordPolicy.MinimumLength >= 12);
  });

  it('has a public web client: authorization code grant, no secret, cannot write the tenant', () => {
    const client = Object.values(resourcesOf(template, 'AWS::Cognito::UserPoolClient'))[0]!.Properties;
    assert.equal(client.GenerateSecret, false);
    assert.deepEqual(client.AllowedOAuthFlows, ['code']);
    assert.ok(client.AllowedOAuthScopes.includes('openid'));
    assert.ok(!client.WriteAttributes.includes('custom:tenantId'));
  });

  it('has a signing-only client (issue 16): USER_PASSWORD_AUTH only, no secret, no OAuth; only the functions that sign are told it', () => {
    // Prepare
    const clients = Object.entries(resourcesOf(template, 'AWS::Cognito::UserPoolClient'));
    const [signingId, signing] = clients.find(([, c]) => c.Properties.ExplicitAuthFlows?.includes('ALLOW_USER_PASSWORD_AUTH')) ?? [];
    const signers = new Set(routeList.filter((r) => r.uses?.includes('signing')).map((r) => r.fn));
    // Assess
    assert.equal(clients.length, 2);
    assert.deepEqual(signing?.Properties.ExplicitAuthFlows, ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    assert.equal(signing?.Properties.GenerateSecret, false);
    assert.equal(signing?.Properties.AllowedOAuthFlowsUserPoolClient, false);
    assert.equal(signing?.Properties.AllowedOAuthFlows, undefined);
    assert.ok(signers.has('quality') && signers.has('tracking'), [...signers].join());
    for (const fn of apiFunctions) {
      const env = (lambdaOf(fn.id)[0]?.[1].Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
      assert.equal(env.MES_SIGNING_CLIENT_ID !== undefined, signers.has(fn.id), fn.id);
      if (signers.has(fn.id)) assert.deepEqual(env.MES_SIGNING_CLIENT_ID, { Ref: signingId });
    }
  });

  it('lets only the admin function administer users (issue 17): exactly the Cognito actions it needs, on the user pool, and tells it the pool', () => {
    // Prepare
    const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy'));
    const poolId = Object.keys(resourcesOf(template, 'AWS::Cognito::UserPool'))[0];
    const cognitoStatements = (id: string) => {
      const role = lambdaOf(id)[0]?.[1].Properties.Role['Fn::GetAtt'][0];
      return policies
        .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === role))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .filter((st) => [st.Action].flat().some((a) => a.startsWith('cognito-idp:')));
    };
    // Assess
    const admin = cognitoStatements('admin');
    assert.equal(admin.length, 1);
    assert.deepEqual([admin[0]?.Action].flat().sort(), [
      'cognito-idp:AdminAddUserToGroup',
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminDisableUser',
      'cognito-idp:AdminGetUser',
      'cognito-idp:AdminListGroupsForUser',
      'cognito-idp:AdminRemoveUserFromGroup',
    ]);
    assert.deepEqual(admin[0]?.Resource, { 'Fn::GetAtt': [poolId, 'Arn'] });
    for (const fn of apiFunctions) {
      if (fn.id !== 'admin') assert.deepEqual(cognitoStatements(fn.id), [], `${fn.id} may administer users`);
      const env = (lambdaOf(fn.id)[0]?.[1].Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
      assert.equal(env.MES_USER_POOL_ID !== undefined, fn.id === 'admin', fn.id);
    }
  });
});

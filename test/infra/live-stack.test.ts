/**
 * The live feed on AWS (infra/stacks/live-stack.ts): the publisher on the table stream with the
 * live view filter and IoT publish on the feed only; browsers through a Cognito identity pool
 * whose role, tagged with the tenant from the ID token, may connect as a viewer and subscribe to
 * and receive its own tenant's feed only (viewerSubscriptions rendered with the principal tag),
 * never publish; the IoT policy for the identities reads the feed only; config.json names the
 * endpoint when `mes:iotEndpoint` is set.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CONTEXT } from '../../infra/stacks/mes-stacks.ts';
import { BROWSER_IOT_POLICY_NAME } from '../../infra/stacks/live-stack.ts';
import { ENV } from '../../shared/config.ts';
import { BROWSER_IDENTITY_POOL_PARAMETER } from '../../shared/telemetry/live-feed.ts';
import { newMesApp } from './mes-app.ts';

const statementsOf = (template: Template, type: string) =>
  Object.values(template.findResources(type)).flatMap((r) => {
    const props = (r as { Properties: Record<string, unknown> }).Properties;
    const docs = [props.PolicyDocument, ...((props.Policies as { PolicyDocument: unknown }[] | undefined) ?? []).map((p) => p.PolicyDocument)];
    return docs.flatMap((d) => ((d as { Statement?: unknown[] } | undefined)?.Statement ?? []) as { Action: string | string[]; Resource: unknown }[]);
  });
const actions = (s: { Action: string | string[] }) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('live stack', () => {
  const { stacks } = newMesApp({ context: { [CONTEXT.iotEndpoint]: 'abc123-ats.iot.eu-west-1.amazonaws.com' } });
  const template = Template.fromStack(stacks.live);

  it('publishes live view entries only, from the table stream, to the feed only', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ['INSERT', 'MODIFY'],
              dynamodb: { NewImage: { pk: { S: [{ suffix: '#LIVE' }] }, sk: { S: [{ prefix: 'UNIT#' }] } } },
            }),
          },
        ],
      },
      StartingPosition: 'LATEST',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ MES_IOT_DATA_ENDPOINT: 'https://abc123-ats.iot.eu-west-1.amazonaws.com' }) },
    });
    const publish = statementsOf(template, 'AWS::IAM::Policy').filter((s) => actions(s).includes('iot:Publish'));
    assert.equal(publish.length, 1);
    assert.match(JSON.stringify(publish[0]?.Resource), /topic\/feed\/mes\/\*/);
  });

  it("lets a signed-in browser subscribe to and receive its own tenant's feed only, and publish nowhere", () => {
    template.hasResourceProperties('AWS::Cognito::IdentityPool', { AllowUnauthenticatedIdentities: false });
    template.hasResourceProperties('AWS::Cognito::IdentityPoolPrincipalTag', { PrincipalTags: { tenantId: 'custom:tenantId' }, UseDefaults: false });
    const role = Object.values(template.findResources('AWS::IAM::Role')).find((r) =>
      JSON.stringify(r).includes('cognito-identity.amazonaws.com:amr'),
    ) as { Properties: { AssumeRolePolicyDocument: { Statement: { Action: string[] }[] } } };
    assert.deepEqual(role.Properties.AssumeRolePolicyDocument.Statement[0]?.Action, ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']);
    const browser = JSON.stringify(role);
    assert.match(browser, /topicfilter\/feed\/mes\/\$\{aws:PrincipalTag\/tenantId\}\/#/);
    assert.match(browser, /topic\/feed\/mes\/\$\{aws:PrincipalTag\/tenantId\}\/\*/);
    assert.doesNotMatch(browser, /iot:Publish|iot:\*|"\*"/);
    const iotPolicy = template.findResources('AWS::IoT::Policy');
    const [policy] = Object.values(iotPolicy) as { Properties: { PolicyName: string; PolicyDocument: { Statement: { Action: string }[] } } }[];
    assert.equal(policy?.Properties.PolicyName, BROWSER_IOT_POLICY_NAME);
    assert.deepEqual(policy?.Properties.PolicyDocument.Statement.map((s) => s.Action).sort(), ['iot:Connect', 'iot:Receive', 'iot:Subscribe']);
  });

  it('lets the live feed session route attach the browser policy, and nothing more, without a cross-stack cycle', () => {
    const api = Template.fromStack(stacks.api);
    const apiStatements = statementsOf(api, 'AWS::IAM::Policy');
    // Device registration (issue 17) attaches the device policies to certificates: test/infra/device-grants.test.ts.
    const attach = apiStatements.filter(
      (s) => actions(s).includes('iot:AttachPolicy') && JSON.stringify(s.Resource).includes(BROWSER_IOT_POLICY_NAME),
    );
    assert.equal(attach.length, 1);
    assert.deepEqual(actions(attach[0] as { Action: string | string[] }), ['iot:AttachPolicy']);
    assert.match(JSON.stringify(attach[0]?.Resource), /:policy\/mes-browser"/);
    const parameter = apiStatements.filter((s) => actions(s).includes('ssm:GetParameter'));
    assert.equal(parameter.length, 1);
    assert.match(JSON.stringify(parameter[0]?.Resource), new RegExp(`:parameter${BROWSER_IDENTITY_POOL_PARAMETER}"`));
    // Only the function that serves the route, with the settings it reads.
    const withSession = Object.values(api.findResources('AWS::Lambda::Function')).filter((f) =>
      JSON.stringify(f).includes(ENV.liveIdentityPoolParameter),
    ) as { Properties: { Environment: { Variables: Record<string, unknown> } } }[];
    assert.equal(withSession.length, 1);
    assert.equal(withSession[0]?.Properties.Environment.Variables[ENV.liveIdentityPoolParameter], BROWSER_IDENTITY_POOL_PARAMETER);
    assert.ok(withSession[0]?.Properties.Environment.Variables[ENV.userPoolProvider]);
    assert.doesNotMatch(JSON.stringify(api.toJSON()), /MesLive/, 'the API stack references nothing of the live stack');

    // The live stack: the parameter with the pool id, GetId on exactly that pool for the API function's role.
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: BROWSER_IDENTITY_POOL_PARAMETER, Value: { Ref: Match.anyValue() } });
    const getId = statementsOf(template, 'AWS::IAM::Policy').filter((s) => actions(s).includes('cognito-identity:GetId'));
    assert.equal(getId.length, 1);
    assert.deepEqual(actions(getId[0] as { Action: string | string[] }), ['cognito-identity:GetId']);
    const poolRef = Object.keys(template.findResources('AWS::Cognito::IdentityPool'))[0];
    const resource = JSON.stringify(getId[0]?.Resource);
    assert.ok(resource.includes(':identitypool/') && resource.includes(`{"Ref":"${poolRef}"}`), resource);
    const getIdPolicy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) => JSON.stringify(p).includes('cognito-identity:GetId'));
    assert.match(JSON.stringify(getIdPolicy), /EquipmentApiRole/, "attached to the equipment API function's role");
  });

  it("names IoT Core and the identity pool in the web app's config and CSP", () => {
    const web = JSON.stringify(Template.fromStack(stacks.web).toJSON());
    assert.match(web, /wss:\/\/abc123-ats\.iot\.eu-west-1\.amazonaws\.com/);
    assert.match(web, /cognito-identity\./);
  });
});

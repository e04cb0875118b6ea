/**
 * cdk-nag's AWS Solutions checks, wired as infra/app.ts wires them: the app has no finding
 * that is not acknowledged with a reason, the acknowledgements are the known ones, and a new
 * finding fails synthesis.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { CfnUserPool } from 'aws-cdk-lib/aws-cognito';
import { AwsSolutionsChecks } from 'cdk-nag';
import { routeList } from '../../shared/api/routes.ts';
import { MesFunction } from '../../infra/constructs/mes-function.ts';
import { newMesApp } from './mes-app.ts';

type Report = { pluginReports: { pluginName: string; violations: { ruleName: string; severity: string }[] }[] };

describe('cdk-nag', () => {
  it('reports no unacknowledged error or warning, nor does CloudFormation validation', () => {
    // Prepare
    const { app } = newMesApp({ validate: true });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    // Act: synth throws on a failed validation; the report also lists warnings
    const assembly = app.synth();
    // Assess
    const report: Report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8'));
    const findings = report.pluginReports.flatMap((r) => r.violations.map((v) => `${r.pluginName}: ${v.severity} ${v.ruleName}`));
    assert.deepEqual(findings, []);
  });

  it('checked the app: its acknowledgements are recorded on the constructs they concern', () => {
    // Prepare
    const { app } = newMesApp();
    // Act
    const report = new AwsSolutionsChecks().validateScope(app);
    // Assess: the same checks run directly find nothing either, so nothing passed by being skipped
    assert.deepEqual(
      report.violations.map((v) => v.ruleName),
      [],
    );
  });

  it('acknowledges only known findings, each with a reason: the public routes, the user pool plan, the dead letters, the stream listing, the web hosting, the live feed topics, the audit anchor bucket, device registration', () => {
    // Prepare
    const { app, stacks } = newMesApp();
    const site = stacks.web.getLogicalId(stacks.web.bucket.node.defaultChild as CfnElement);
    const deployer = 'MesWeb/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C';
    // Act
    const acknowledged = app.node.findAll().flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>))
        .map(([rule, reason]) => ({ at: `${c.node.path} ${rule.replace(/^Annotation::/, '')}`, reason })),
    );
    // Assess
    for (const { at, reason } of acknowledged) assert.ok(reason.length >= 40, `${at} says why`);
    const at = acknowledged.map((a) => a.at);
    const publicRoutes = routeList.filter((r) => r.roles === null).length;
    assert.equal(at.filter((a) => /^MesApi\/HttpApi\/\S+ AwsSolutions-APIG4$/.test(a)).length, publicRoutes);
    // X-Ray active tracing: each MesFunction's role may write segments, an action without resources (mes-function.ts).
    const tracing = (a: string) =>
      / AwsSolutions-IAM5\[Resource::\*\]$/.test(a) && !a.includes('/DefaultPolicy ') && a.split(' ')[0]?.endsWith('/Role');
    const functions = app.node.findAll().filter((c) => c instanceof MesFunction);
    assert.deepEqual(at.filter(tracing).sort(), functions.map((f) => `${f.node.path}/Role AwsSolutions-IAM5[Resource::*]`).sort());
    const customResource = 'MesWeb/AWS679f53fac002430cb0da5b7982bd2287';
    assert.deepEqual(
      at.filter((a) => !a.endsWith(' AwsSolutions-APIG4') && !tracing(a)).sort(),
      [
        'MesApi/Auth/Pool AwsSolutions-COG8',
        // Devices and gateways (issue 17): the admin function registers and revokes things of every tenant it serves.
        ...['thing/*', 'cert/*', 'client/*', 'thinggroup/mes-*'].map(
          (r) => `MesApi/AdminApi/Role/DefaultPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:${r}]`,
        ),
        'MesApi/AdminApi/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        // The audit checkpoints' Object Lock bucket (issue 16): put and get on its objects only; no access logs of a write-once store.
        'MesApi/AuditApi/Role/DefaultPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::mes-audit-anchor-<AWS::AccountId>-<AWS::Region>/*]',
        'MesTelemetry/CheckpointAudit/Role/DefaultPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::mes-audit-anchor-<AWS::AccountId>-<AWS::Region>/*]',
        'MesData/AuditAnchor AwsSolutions-S1',
        'MesIntegration/DispatchDeadLetters AwsSolutions-SQS3',
        'MesIntegration/DispatchOutbox/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        'MesTelemetry/DeadLetters AwsSolutions-SQS3',
        'MesLive/PublishDeadLetters AwsSolutions-SQS3',
        'MesLive/PublishLive/Role/DefaultPolicy AwsSolutions-IAM5[Resource::*]',
        'MesLive/PublishLive/Role/DefaultPolicy AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:topic/feed/mes/*]',
        'MesLive/BrowserRole AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:client/viewer-*]',
        'MesLive/BrowserRole AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:topic/feed/mes/<aws:PrincipalTag/tenantId>/*]',
        'MesWeb/AccessLogs AwsSolutions-S1',
        'MesWeb/Distribution AwsSolutions-CFR1',
        // The web ACL's ARN, read from us-east-1 at deploy time (infra/stacks/edge-stack.ts): CDK's provider function.
        `${customResource} AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]`,
        `${customResource} AwsSolutions-L1`,
        'MesWeb/Distribution AwsSolutions-CFR4',
        `${deployer} AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]`,
        `${deployer} AwsSolutions-IAM5[Action::s3:Abort*]`,
        `${deployer} AwsSolutions-IAM5[Action::s3:DeleteObject*]`,
        `${deployer} AwsSolutions-IAM5[Action::s3:GetBucket*]`,
        `${deployer} AwsSolutions-IAM5[Action::s3:GetObject*]`,
        `${deployer} AwsSolutions-IAM5[Action::s3:List*]`,
        `${deployer} AwsSolutions-IAM5[Resource::<${site}.Arn>/*]`,
        `${deployer} AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]`,
        `${deployer} AwsSolutions-L1`,
      ].sort(),
    );
  });

  it('fails synthesis on a new finding', () => {
    // Prepare: a user pool with no password policy and no MFA
    const { app } = newMesApp();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    new CfnUserPool(new Stack(app, 'Probe'), 'WeakPool');
    // Act + Assess
    assert.throws(() => app.synth(), /AwsSolutions-COG1/);
  });
});

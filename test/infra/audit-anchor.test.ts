/**
 * The audit checkpoints' anchor store on AWS (issue 16, docs/part-11.md): an S3 bucket with
 * Object Lock in COMPLIANCE mode, private and TLS-only; the checkpoint job may put and get its
 * objects and the verifying API function only get them; no role of the MES may delete an object
 * or touch its retention.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { newMesApp } from './mes-app.ts';

describe('the audit anchor bucket', () => {
  const { stacks } = newMesApp();
  const data = Template.fromStack(stacks.data);

  it('locks every object in compliance mode for ten years by default, versioned, private, encrypted', () => {
    data.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 3650 } } },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: Match.anyValue(),
    });
    data.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });

  it('lets the MES put and get checkpoints and nothing more', () => {
    const actions = [stacks.telemetry, stacks.api].flatMap((stack) =>
      Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap((policy) =>
        (
          (policy as { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } }).Properties.PolicyDocument.Statement ?? []
        ).flatMap((statement) => [statement.Action].flat()),
      ),
    );
    const s3 = [...new Set(actions.filter((a) => a.startsWith('s3:')))].sort();
    assert.deepEqual(s3, ['s3:GetObjectVersion', 's3:ListBucketVersions', 's3:PutObject']);
  });

  it('tells the checkpoint job and the audit function where the bucket is', () => {
    const withBucket = [stacks.telemetry, stacks.api].flatMap((stack) =>
      Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).filter(
        (fn) =>
          (fn as { Properties: { Environment?: { Variables?: Record<string, unknown> } } }).Properties.Environment?.Variables
            ?.MES_AUDIT_ANCHOR_BUCKET,
      ),
    );
    assert.equal(withBucket.length, 2);
  });
});

/** The DynamoDB table on AWS is the one shared/db/table.ts declares, and it is hard to lose. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { TABLE } from '../../shared/db/table.ts';
import { newMesApp, resourcesOf } from './mes-app.ts';

describe('the data stack table', () => {
  // Prepare
  const { stacks } = newMesApp();
  const template = Template.fromStack(stacks.data);
  // Act
  const tables = Object.values(resourcesOf(template, 'AWS::DynamoDB::Table'));
  const table = tables[0]!;

  it('is the only table', () => {
    assert.equal(tables.length, 1);
  });

  it('has the keys and GSIs of the key design, all string-typed, GSIs projecting ALL', () => {
    // Assess
    const keySchema = (pk: string, sk: string) => [
      { AttributeName: pk, KeyType: 'HASH' },
      { AttributeName: sk, KeyType: 'RANGE' },
    ];
    assert.deepEqual(table.Properties.KeySchema, keySchema(TABLE.partitionKey, TABLE.sortKey));
    assert.deepEqual(
      table.Properties.GlobalSecondaryIndexes,
      TABLE.globalSecondaryIndexes.map((gsi) => ({
        IndexName: gsi.indexName,
        KeySchema: keySchema(gsi.partitionKey, gsi.sortKey),
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    const keyNames = [TABLE, ...TABLE.globalSecondaryIndexes].flatMap((k) => [k.partitionKey, k.sortKey]);
    assert.deepEqual(
      [...table.Properties.AttributeDefinitions].sort((a, b) => a.AttributeName.localeCompare(b.AttributeName)),
      keyNames.sort().map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    );
  });

  it('is on-demand, streams new and old images, expires items by the TTL attribute', () => {
    assert.equal(table.Properties.BillingMode, 'PAY_PER_REQUEST');
    assert.deepEqual(table.Properties.StreamSpecification, { StreamViewType: TABLE.stream });
    assert.deepEqual(table.Properties.TimeToLiveSpecification, { AttributeName: TABLE.ttlAttribute, Enabled: true });
  });

  it('has point-in-time recovery and deletion protection, and is retained when the stack goes', () => {
    assert.equal(table.Properties.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled, true);
    assert.equal(table.Properties.DeletionProtectionEnabled, true);
    assert.equal(table.DeletionPolicy, 'Retain');
    assert.equal(table.UpdateReplacePolicy, 'Retain');
    assert.equal(stacks.data.terminationProtection, true);
  });
});

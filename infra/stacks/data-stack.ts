/**
 * DataStack: the one DynamoDB table, built from shared/db/table.ts so the key design is written
 * once. Its own stack because its lifecycle is the longest: it is retained and
 * deletion-protected, and redeploying the API never touches it.
 */
import { Aws, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectLockRetention } from 'aws-cdk-lib/aws-s3';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { TABLE } from '../../shared/db/table.ts';

/** Every key in the design is a string (tenant-prefixed, zero-padded where it sorts). */
const stringKey = (name: string) => ({ name, type: AttributeType.STRING });

/**
 * The audit anchor bucket by name, not by reference (as the live stack names its IoT policy): the
 * stacks that grant on it need no cross-stack output, and its ARN reads the same everywhere.
 */
export const AUDIT_ANCHOR = {
  bucketName: `mes-audit-anchor-${Aws.ACCOUNT_ID}-${Aws.REGION}`,
  objectsArn: `arn:${Aws.PARTITION}:s3:::mes-audit-anchor-${Aws.ACCOUNT_ID}-${Aws.REGION}/*`,
  bucketArn: `arn:${Aws.PARTITION}:s3:::mes-audit-anchor-${Aws.ACCOUNT_ID}-${Aws.REGION}`,
  /** cdk-nag's words for the grant on its objects (AwsSolutions-IAM5 on `/*`). */
  nagObjects: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::mes-audit-anchor-<AWS::AccountId>-<AWS::Region>/*]',
  nagReason:
    "The audit checkpoints' objects, one per tenant and checkpoint (`{tenant}/{seq}.json`): the grant is put and get of a version " +
    'on this bucket only, never delete or retention changes, and Object Lock keeps every object whatever a role may do.',
} as const;

/** How long a published audit checkpoint is kept, unchangeable (issue 16). @default 3650 days */
export interface DataStackProps extends StackProps {
  readonly auditRetentionDays?: number;
}

export class DataStack extends Stack {
  readonly table: Table;
  /**
   * Where the audit checkpoints are published (shared/domain/audit/checkpoints.ts, issue 16):
   * Object Lock in COMPLIANCE mode, so no one, the account's root included, can delete or
   * overwrite an object before its retention ends, nor shorten the retention; the MES's roles
   * may only put and get.
   */
  readonly auditAnchor: Bucket;

  constructor(scope: Construct, id: string, props: DataStackProps = {}) {
    super(scope, id, props);

    this.table = new Table(this, 'Table', {
      partitionKey: stringKey(TABLE.partitionKey),
      sortKey: stringKey(TABLE.sortKey),
      // Shop-floor traffic follows shifts and is spiky; on-demand needs no capacity planning.
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      stream: StreamViewType[TABLE.stream],
      timeToLiveAttribute: TABLE.ttlAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const gsi of TABLE.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: stringKey(gsi.partitionKey),
        sortKey: stringKey(gsi.sortKey),
        // The lists read whole items: ALL avoids a GetItem per row.
        projectionType: ProjectionType.ALL,
      });
    }

    this.auditAnchor = new Bucket(this, 'AuditAnchor', {
      bucketName: AUDIT_ANCHOR.bucketName,
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(props.auditRetentionDays ?? 3650)),
      versioned: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.auditAnchor).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Audit checkpoints are written once (conditional put) and locked in compliance mode; who wrote them is the ' +
        "checkpoint job's role, and the objects' content is itself verified by GET /v1/audit/verify. Access logs would " +
        'add a second bucket of logs of a write-once store.',
    });
  }
}

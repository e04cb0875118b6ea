/**
 * The one DynamoDB table of the MES, declared once. The CDK data stack and the local
 * DynamoDB launcher both build the table from this definition, so local and AWS never drift.
 * Every partition key (table and GSIs) starts with the tenant id: see keys.ts.
 */
export const TABLE = {
  /** Default physical name for the local runtime; on AWS CloudFormation names it. */
  localName: 'mes',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  /** Streams feed the transactional outbox dispatcher (issue 4) on AWS and locally. */
  stream: 'NEW_AND_OLD_IMAGES',
  globalSecondaryIndexes: [
    /** gsi1: lists by tenant-scoped collection (work orders by status and due date). */
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** gsi2: work orders by work center, and the sparse dispatch list of active operations. */
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;

export type GsiName = (typeof TABLE.globalSecondaryIndexes)[number]['indexName'];

/** Environment variable that carries the physical table name into every function. */
export const TABLE_NAME_ENV = 'TABLE_NAME';

/**
 * What the design relies on from DynamoDB, proven on the DynamoDB Local that `npm test` starts
 * (and `npm start` runs): transactions that are all-or-nothing, the GSIs as TABLE declares
 * them, a stream with old and new images, and consumed capacity on every call. And what the
 * launcher promises on a data dir: one JVM per dir, in WAL mode.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DescribeTableCommand, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient, GetCommand, paginateQuery, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, localClientConfig, SHARED_DB_FILE, startDynamoDbLocal } from '../../infra/local/dynamodb.ts';
import { useWriteAheadLog } from '../../infra/local/sqlite-wal.ts';
import { TABLE } from '../../shared/db/table.ts';
import { testDdbClient, testDocClient, testEndpoint, testTableName } from '../helpers/ddb.ts';
import { newTenantId } from '../helpers/runtime.ts';

const describeTable = async () => (await testDdbClient().send(new DescribeTableCommand({ TableName: testTableName() }))).Table;

describe('DynamoDB Local as the MES table', () => {
  it('commits a TransactWriteItems as one', async () => {
    // Prepare
    const pk = `${newTenantId()}#WO#a`;
    // Act
    await testDocClient().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: testTableName(), Item: { pk, sk: 'WO', status: 'RELEASED' } } },
          { Put: { TableName: testTableName(), Item: { pk, sk: 'AUDIT#00000001', action: 'release' } } },
        ],
      }),
    );
    // Assess
    const items = await testDocClient().send(
      new QueryCommand({ TableName: testTableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }),
    );
    assert.deepEqual(items.Items?.map((i) => i.sk).sort(), ['AUDIT#00000001', 'WO']);
  });

  it('writes nothing when a condition cancels the transaction', async () => {
    // Prepare
    const pk = `${newTenantId()}#WO#b`;
    await testDocClient().send(new PutCommand({ TableName: testTableName(), Item: { pk, sk: 'WO', status: 'PLANNED', version: 1 } }));
    // Act
    const error = await testDocClient()
      .send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: testTableName(),
                Key: { pk, sk: 'WO' },
                UpdateExpression: 'SET #s = :to, version = :next',
                ConditionExpression: 'version = :expected',
                ExpressionAttributeNames: { '#s': 'status' },
                ExpressionAttributeValues: { ':to': 'RELEASED', ':next': 3, ':expected': 2 },
              },
            },
            { Put: { TableName: testTableName(), Item: { pk, sk: 'AUDIT#00000003', action: 'release' } } },
          ],
        }),
      )
      .catch((e: unknown) => e);
    // Assess
    assert.ok(error instanceof TransactionCanceledException, `expected a cancelled transaction, got ${String(error)}`);
    assert.deepEqual(
      error.CancellationReasons?.map((r) => r.Code),
      ['ConditionalCheckFailed', 'None'],
    );
    const header = await testDocClient().send(new GetCommand({ TableName: testTableName(), Key: { pk, sk: 'WO' } }));
    assert.equal(header.Item?.status, 'PLANNED');
    const audit = await testDocClient().send(new GetCommand({ TableName: testTableName(), Key: { pk, sk: 'AUDIT#00000003' } }));
    assert.equal(audit.Item, undefined);
  });

  it('has the GSIs of TABLE, projecting all attributes, and queries them', async () => {
    // Prepare
    const tenant = newTenantId();
    const item = {
      pk: `${tenant}#WO#c`,
      sk: 'WO',
      gsi1pk: `${tenant}#WO`,
      gsi1sk: 'RELEASED#2030-01-01#c',
      gsi2pk: `${tenant}#WC#wc1#WO`,
      gsi2sk: 'RELEASED#2030-01-01#c',
      note: 'projected',
    };
    await testDocClient().send(new PutCommand({ TableName: testTableName(), Item: item }));
    // Act
    const table = await describeTable();
    const byIndex = await Promise.all(
      TABLE.globalSecondaryIndexes.map((g) =>
        testDocClient().send(
          new QueryCommand({
            TableName: testTableName(),
            IndexName: g.indexName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': g.partitionKey },
            ExpressionAttributeValues: { ':pk': item[g.partitionKey] },
          }),
        ),
      ),
    );
    // Assess
    for (const g of TABLE.globalSecondaryIndexes) {
      const index = table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === g.indexName);
      assert.deepEqual(index?.KeySchema, [
        { AttributeName: g.partitionKey, KeyType: 'HASH' },
        { AttributeName: g.sortKey, KeyType: 'RANGE' },
      ]);
      assert.equal(index?.Projection?.ProjectionType, 'ALL');
    }
    for (const result of byIndex) assert.deepEqual(result.Items, [item]);
  });

  it('streams new and old images that a DynamoDB Streams client can read', async () => {
    // Prepare
    const pk = `${newTenantId()}#WO#d`;
    const table = await describeTable();
    assert.deepEqual(table?.StreamSpecification, { StreamEnabled: true, StreamViewType: TABLE.stream });
    assert.ok(table?.LatestStreamArn);
    await testDocClient().send(new PutCommand({ TableName: testTableName(), Item: { pk, sk: 'WO', status: 'PLANNED' } }));
    await testDocClient().send(new PutCommand({ TableName: testTableName(), Item: { pk, sk: 'WO', status: 'RELEASED' } }));
    // Act
    const streams = new DynamoDBStreamsClient(localClientConfig(testEndpoint()));
    const records = await readWholeStream(streams, table.LatestStreamArn);
    streams.destroy();
    // Assess
    const mine = records.filter((r) => r.dynamodb?.Keys?.pk?.S === pk);
    assert.deepEqual(
      mine.map((r) => r.eventName),
      ['INSERT', 'MODIFY'],
    );
    assert.equal(mine[1]?.dynamodb?.OldImage?.status?.S, 'PLANNED');
    assert.equal(mine[1]?.dynamodb?.NewImage?.status?.S, 'RELEASED');
  });

  it('reports consumed capacity when asked for TOTAL', async () => {
    // Prepare
    const pk = `${newTenantId()}#WO#e`;
    // Act
    const put = await testDocClient().send(new PutCommand({ TableName: testTableName(), Item: { pk, sk: 'WO' }, ReturnConsumedCapacity: 'TOTAL' }));
    const transact = await testDocClient().send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: testTableName(), Item: { pk, sk: 'OP#0010' } } }],
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    const query = await testDocClient().send(
      new QueryCommand({
        TableName: testTableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    // Assess
    for (const capacity of [put.ConsumedCapacity, ...(transact.ConsumedCapacity ?? []), query.ConsumedCapacity]) {
      assert.equal(capacity?.TableName, testTableName());
      assert.equal(typeof capacity?.CapacityUnits, 'number');
      assert.ok((capacity?.CapacityUnits ?? 0) > 0);
    }
  });
});

describe('the DynamoDB Local launcher', () => {
  const isAlive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('leaves no JVM behind once stopped', async () => {
    // Prepare
    const dynamoDb = await startDynamoDbLocal();
    assert.ok(dynamoDb.pid && isAlive(dynamoDb.pid));
    // Act
    await dynamoDb.stop();
    // Assess
    assert.equal(isAlive(dynamoDb.pid), false);
  });

  it('says the port is in use, and how to get out of it', async () => {
    // Prepare
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    // Act
    const error = await startDynamoDbLocal({ port }).catch((e: unknown) => e);
    blocker.close();
    // Assess
    assert.match(String(error), new RegExp(`port ${port}: the port is in use`));
  });

  /** A process that looks like a DynamoDB Local on `dir` to `ps`, standing in for a JVM left behind. */
  const leftBehindJvm = (dir: string) =>
    spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', 'DynamoDBLocal.jar', '-dbPath', dir], { stdio: 'ignore' });

  it('stops a DynamoDB Local that a dead runtime left on the data dir before starting its own', async () => {
    // Prepare: owner.json names a runtime that is gone and a JVM still running on the dir.
    const dir = mkdtempSync(join(tmpdir(), 'mes-ddb-'));
    const orphan = leftBehindJvm(dir);
    const deadRuntime = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(dir, 'owner.json'), JSON.stringify({ runtimePid: deadRuntime, jvmPid: orphan.pid, startedAt: new Date().toISOString() }));
    const said: string[] = [];
    const orphanExit = new Promise((resolve) => orphan.once('exit', resolve));
    // Act
    const dynamoDb = await startDynamoDbLocal({ dataDir: dir, log: { info: (m) => said.push(m), error: (m) => said.push(m) } });
    // Assess
    try {
      assert.equal(await orphanExit, null, 'the left-behind process was stopped by a signal');
      assert.match(said.join('\n'), new RegExp(`pid ${orphan.pid}\\) was still running`));
      assert.ok(dynamoDb.pid && isAlive(dynamoDb.pid));
    } finally {
      await dynamoDb.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(existsSync(join(dir, 'owner.json')), false, 'a stopped JVM gives the dir up');
  });

  it('refuses a data dir that a live runtime still uses', async () => {
    // Prepare: owner.json names this (live) process and a JVM running on the dir.
    const dir = mkdtempSync(join(tmpdir(), 'mes-ddb-'));
    const jvm = leftBehindJvm(dir);
    writeFileSync(join(dir, 'owner.json'), JSON.stringify({ runtimePid: process.pid, jvmPid: jvm.pid, startedAt: new Date().toISOString() }));
    // Act
    const error = await startDynamoDbLocal({ dataDir: dir }).catch((e: unknown) => e);
    // Assess
    try {
      assert.match(String(error), /in use by another MES runtime/);
      assert.ok(jvm.pid && isAlive(jvm.pid), 'the other runtime keeps its JVM');
    } finally {
      jvm.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Bytes 18 and 19 of an SQLite header: 2 and 2 in WAL mode, 1 and 1 with a rollback journal. */
  const fileFormat = (file: string) => [...readFileSync(file).subarray(18, 20)];
  const setFileFormat = (file: string, version: number) => {
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.from([version, version]), 0, 2, 18);
    closeSync(fd);
  };

  it('puts a new database, or one with a rollback journal, in WAL mode before DynamoDB Local opens it', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'mes-ddb-'));
    const fresh = join(dir, 'fresh.db');
    const legacy = join(dir, 'legacy.db');
    useWriteAheadLog(legacy);
    setFileFormat(legacy, 1);
    // Act
    const journals = [useWriteAheadLog(fresh), useWriteAheadLog(legacy)];
    // Assess
    assert.deepEqual(journals, [{ mode: 'wal' }, { mode: 'wal' }]);
    assert.deepEqual(
      [fileFormat(fresh), fileFormat(legacy)],
      [
        [2, 2],
        [2, 2],
      ],
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a transaction only once it is committed in the log: a JVM killed right after the answer keeps it', async () => {
    // Prepare: a data dir whose database has a rollback journal, as older versions left it,
    // and the flush of the disk's cache that macOS needs (on Linux, one more fsync).
    const dir = mkdtempSync(join(tmpdir(), 'mes-ddb-'));
    useWriteAheadLog(join(dir, SHARED_DB_FILE));
    setFileFormat(join(dir, SHARED_DB_FILE), 1);
    let dynamoDb = await startDynamoDbLocal({ dataDir: dir, flushDiskCache: true });
    try {
      await ensureTable(dynamoDb.endpoint, 'acked');
      let doc = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(dynamoDb.endpoint, 1)));
      // Act: the JVM is killed the moment the last transaction is answered.
      const answered: string[] = [];
      for (let i = 0; i < 20; i++) {
        const items = Array.from({ length: 4 }, (_, n) => ({
          Put: { TableName: 'acked', Item: { pk: 'tx', sk: `${i}-${n}`, payload: 'x'.repeat(4096) } },
        }));
        await doc.send(new TransactWriteCommand({ TransactItems: items }));
        answered.push(...items.map((item) => item.Put.Item.sk));
      }
      process.kill(dynamoDb.pid as number, 'SIGKILL');
      await dynamoDb.stop();
      doc.destroy();
      dynamoDb = await startDynamoDbLocal({ dataDir: dir });
      doc = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(dynamoDb.endpoint)));
      const kept: string[] = [];
      const query = {
        TableName: 'acked',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'tx' },
        ProjectionExpression: 'sk',
      };
      for await (const page of paginateQuery({ client: doc }, query)) kept.push(...(page.Items ?? []).map((item) => item.sk as string));
      doc.destroy();
      // Assess
      assert.deepEqual(kept.sort(), answered.sort());
      assert.deepEqual(fileFormat(join(dir, SHARED_DB_FILE)), [2, 2]);
      assert.ok(statSync(join(dir, `${SHARED_DB_FILE}-wal`)).size > 0, 'the commits went to the write-ahead log');
    } finally {
      await dynamoDb.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves a database with an unfinished commit in its rollback journal until that is rolled back', () => {
    // Prepare: a rollback-journal database whose journal is hot (a crash during a commit).
    const dir = mkdtempSync(join(tmpdir(), 'mes-ddb-'));
    const file = join(dir, SHARED_DB_FILE);
    useWriteAheadLog(file);
    setFileFormat(file, 1);
    writeFileSync(`${file}-journal`, Buffer.alloc(512, 1));
    // Act
    const journal = useWriteAheadLog(file);
    // Assess
    assert.equal(journal.mode, 'rollback');
    assert.deepEqual(fileFormat(file), [1, 1], 'SQLite rolls the journal back into the file as it is');
    rmSync(dir, { recursive: true, force: true });
  });

  it('says a damaged data folder is damaged and how to start anyway', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'mes-ddb-'));
    writeFileSync(join(dir, 'shared-local-instance.db'), Buffer.alloc(8192, 7));
    // Act
    const error = await startDynamoDbLocal({ dataDir: dir }).catch((e: unknown) => e);
    rmSync(dir, { recursive: true, force: true });
    // Assess
    assert.match(String(error), /looks damaged/);
    assert.match(String(error), /npm start -- --in-memory/);
  });
});

/** Every record of every shard, from the trim horizon: the test table is small. */
async function readWholeStream(streams: DynamoDBStreamsClient, streamArn: string) {
  const shards = [];
  let from: string | undefined;
  do {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: from }));
    shards.push(...(StreamDescription?.Shards ?? []));
    from = StreamDescription?.LastEvaluatedShardId;
  } while (from);
  const records = [];
  for (const shard of shards) {
    let iterator = (
      await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))
    ).ShardIterator;
    // An open shard always hands back a next iterator: stop at the first empty page.
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      records.push(...(page.Records ?? []));
      if (!page.Records?.length) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}

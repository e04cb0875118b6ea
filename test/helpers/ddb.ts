/**
 * Direct access to the test DynamoDB Local, for tests that look under the API (a refused
 * command wrote nothing) or exercise DynamoDB itself. `npm test` sets the endpoint and table.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENV } from '../../shared/config.ts';
import { localClientConfig } from '../../infra/local/dynamodb.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\`, which starts DynamoDB Local`);
  return value;
}

export const testEndpoint = () => required(ENV.dynamoDbEndpoint);
export const testTableName = () => required(ENV.tableName);

let client: DynamoDBClient | undefined;
let doc: DynamoDBDocumentClient | undefined;

/** The low-level client, made once per test process. */
export function testDdbClient(): DynamoDBClient {
  client ??= new DynamoDBClient(localClientConfig(testEndpoint()));
  return client;
}

/** The document client (plain JS values), with the marshalling the repositories use. */
export function testDocClient(): DynamoDBDocumentClient {
  doc ??= DynamoDBDocumentClient.from(testDdbClient(), { marshallOptions: { removeUndefinedValues: true } });
  return doc;
}

/**
 * The one DynamoDB client. On AWS it talks to the regional endpoint; locally the runtime sets
 * DYNAMODB_ENDPOINT to DynamoDB Local. Every call asks for ConsumedCapacity and is metered per
 * request (usage.ts), so the bench measures request units on the real code path.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENV } from '../config.ts';
import { recordUsage } from './usage.ts';

let client: DynamoDBDocumentClient | undefined;

export function ddb(): DynamoDBDocumentClient {
  if (client) return client;
  const endpoint = process.env[ENV.dynamoDbEndpoint];
  const base = new DynamoDBClient({
    ...(endpoint ? { endpoint } : {}),
    // On Lambda the role's credentials are in the environment for the sandbox's life, which is
    // what the default provider chain would resolve there too; taking them as they are spares a
    // cold start loading that chain (bench/RESULTS.md, cold starts). Elsewhere (a profile, an
    // expiry) the chain decides, as it would.
    ...(process.env.AWS_LAMBDA_FUNCTION_NAME && !process.env.AWS_PROFILE && process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY
      ? {
          credentials: {
            accessKeyId: process.env.AWS_ACCESS_KEY_ID,
            secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
            ...(process.env.AWS_SESSION_TOKEN ? { sessionToken: process.env.AWS_SESSION_TOKEN } : {}),
          },
        }
      : {}),
    maxAttempts: 3,
    // A call that hangs fails instead of holding its command, and every command on the same
    // record queued behind it in a long-lived process (the local runtime), for good. DynamoDB
    // answers in milliseconds; DynamoDB Local under load in well under 10 s.
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 10_000 },
  });
  base.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      recordUsage(String(context.commandName), (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity);
      return result;
    },
    { step: 'initialize', name: 'mesUsageMeter' },
  );
  client = DynamoDBDocumentClient.from(base, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return client;
}

export function tableName(): string {
  const name = process.env[ENV.tableName];
  if (!name) throw new Error(`${ENV.tableName} is not set`);
  return name;
}

/**
 * Environment variables that carry deployment facts into the functions. CDK sets them on
 * AWS; the local runtime sets them in-process. Domain code never reads them.
 */
export const ENV = {
  tableName: 'TABLE_NAME',
  /** Token issuer: the Cognito user pool URL on AWS, the local identity provider locally. */
  authIssuer: 'AUTH_ISSUER',
  /** Token audience: the Cognito app client id on AWS. */
  authAudience: 'AUTH_AUDIENCE',
  /** JWKS URL the signature is verified against. */
  authJwksUrl: 'AUTH_JWKS_URL',
  /** Only locally: DynamoDB Local's endpoint. Unset on AWS. */
  dynamoDbEndpoint: 'DYNAMODB_ENDPOINT',
  appVersion: 'APP_VERSION',
} as const;

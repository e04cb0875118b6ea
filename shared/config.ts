/**
 * Environment variables that carry deployment facts into the functions. CDK sets them on
 * AWS; the local runtime sets them in-process. Domain code never reads them.
 */
export const ENV = {
  tableName: 'TABLE_NAME',
  /** Only locally: DynamoDB Local's endpoint. Unset on AWS. */
  dynamoDbEndpoint: 'DYNAMODB_ENDPOINT',
  appVersion: 'APP_VERSION',
  /** KMS key that seals integration secrets on AWS. Unset locally (a local key seals them). */
  secretsKeyId: 'SECRETS_KMS_KEY_ID',
  /** Only locally: base64 of the 32-byte AES key that seals integration secrets. */
  localSecretsKey: 'MES_LOCAL_SECRETS_KEY',
  /** SQS queue of webhook delivery attempts on AWS. Unset locally (an in-process queue). */
  webhookQueueUrl: 'WEBHOOK_QUEUE_URL',
  /** Only locally, and only when the runtime allows it: webhooks may go to loopback addresses. */
  webhookAllowLoopback: 'MES_WEBHOOK_ALLOW_LOOPBACK',
  /** Per-attempt timeout of a webhook delivery, ms (default 15 000). Tests shorten it. */
  webhookTimeoutMs: 'MES_WEBHOOK_TIMEOUT_MS',
  /** The IoT data plane the live feed publishes through: IoT Core's Data-ATS endpoint (https://...) on AWS, the local runtime's stand-in locally. */
  iotDataEndpoint: 'MES_IOT_DATA_ENDPOINT',
  /** On AWS: the SSM parameter naming the browser identity pool (live feed sessions). Unset locally: nothing to attach. */
  liveIdentityPoolParameter: 'MES_LIVE_IDENTITY_POOL_PARAMETER',
  /** On AWS: the user pool as an identity pool login provider, `cognito-idp.<region>.amazonaws.com/<userPoolId>`. */
  userPoolProvider: 'MES_USER_POOL_PROVIDER',
  /** On AWS: the user pool the admin function creates users in (issue 17, functions/lib/cognito-identity.ts). Unset locally: the local directory. */
  userPoolId: 'MES_USER_POOL_ID',
  /**
   * Where signing checks a re-entered password (issue 16): Cognito's endpoint
   * (https://cognito-idp.<region>.amazonaws.com/) on AWS, the local identity provider's locally.
   */
  signingAuthEndpoint: 'MES_SIGNING_AUTH_ENDPOINT',
  /** The app client used only for signing: USER_PASSWORD_AUTH, no secret, no hosted UI. */
  signingClientId: 'MES_SIGNING_CLIENT_ID',
  /**
   * On AWS: the S3 bucket (Object Lock, compliance mode) the audit checkpoints are published to
   * and verified against (issue 16). Locally the runtime's directory instead (MES_AUDIT_ANCHOR_DIR).
   */
  auditAnchorBucket: 'MES_AUDIT_ANCHOR_BUCKET',
  /**
   * Every plant's request limits unless a platform operator set its own (issue 17), "rps/burst",
   * e.g. "50/100"; unset: DEFAULT_RATE_LIMITS (shared/domain/fair-use.ts).
   */
  rateLimitDefault: 'MES_RATE_LIMIT_DEFAULT',
  /**
   * On AWS, on the API functions: the tenant access role (read or write, as the function's
   * routes need) whose sessions, tagged with the tenant, reach only that tenant's keys
   * (docs/isolation.md). Unset locally: the client's guard alone refuses another tenant's key.
   */
  tenantRoleArn: 'MES_TENANT_ROLE_ARN',
} as const;

/**
 * MesFunction: the one way this app makes a Lambda. Every function (the API functions, each
 * serving a bounded context's routes; telemetry consumers, stream and job functions) gets the
 * same runtime, bundling settings, logging and IAM shape, so a stack only says which code and
 * what table access. API functions are bundled with code splitting (api-function-code.ts),
 * everything else into one file by NodejsFunction.
 */
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '../../shared/config.ts';
import { TABLE } from '../../shared/db/table.ts';
import type { ApiFunctionDef } from '../../shared/api/functions.ts';
import { SYSTEM_REGISTRY_KEYS, TENANT_ACCESS, type TenantAccess } from '../stacks/tenant-access-stack.ts';
import { apiFunctionCode } from './api-function-code.ts';

/** Repository root: entries and the lock file are resolved from here, not from the caller's cwd. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Node.js 24 is the newest Lambda runtime aws-cdk-lib knows (cdk-nag L1 wants the newest) and
 * the current LTS, so it is supported longest. The code also runs on Node 20 locally, so it
 * uses nothing newer than that. esbuild targets the same version as the runtime.
 */
export const MES_RUNTIME = Runtime.NODEJS_24_X;
const ESBUILD_TARGET = 'node24';

/**
 * The actions each access level needs, and nothing else: repositories use GetItem, Query and
 * TransactWriteItems (authorized per underlying Put/Update/ConditionCheck). No Scan, no DeleteItem:
 * records are immutable history, and "deletes" are status changes.
 *
 * `telemetry` is for the ingest consumers (functions/iot/): they read and write many items per
 * batch (state transitions, per-minute aggregates, rejected messages), hence the batch actions.
 * BatchWriteItem is the one grant here that could also delete (a DeleteRequest is authorized by
 * BatchWriteItem alone); the telemetry code only puts, and only these two functions have it.
 */
export const TABLE_ACTIONS = {
  read: ['dynamodb:GetItem', 'dynamodb:Query'],
  write: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
  telemetry: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
} as const;
export type TableAccess = keyof typeof TABLE_ACTIONS;

/**
 * Where the code is: an API function (its entry routes to its routes' modules, each a lazily
 * loaded chunk), a single HTTP handler of the route table, or any entry file.
 */
export type MesFunctionEntry =
  | {
      /** An API function of shared/api/functions.ts, bundled with code splitting (api-function-code.ts). */
      readonly api: ApiFunctionDef;
      readonly entry?: never;
    }
  | {
      /** Entry file relative to the repository root, e.g. `functions/iot/ingest-state.ts`. */
      readonly entry: string;
      readonly api?: never;
    };

export type MesFunctionProps = MesFunctionEntry & {
  /** What shows in the console next to the generated function name, e.g. `GET /v1/health`. */
  readonly description?: string;
  readonly appVersion: string;
  /** Powertools service name: one per bounded API, not per function (the function name is logged anyway). */
  readonly serviceName?: string;
  /** Default 512 MB (see below). */
  readonly memorySize?: number;
  /** Default 10 s, sized for HTTP handlers; batch consumers need longer. */
  readonly timeout?: Duration;
};

/** Exactly one of `api` and `entry` is given (the types say so; JavaScript callers are told). */
function checkEntry(props: MesFunctionEntry): void {
  if ((props.api === undefined) === (props.entry === undefined)) {
    throw new Error('MesFunction needs exactly one of `api` (an API function) and `entry` (any entry file)');
  }
}

/** An ESM bundle has no `require`; CJS dependencies that call it (for Node built-ins) would throw "Dynamic require is not supported" without this. */
const REQUIRE_BANNER = "import { createRequire as __mesCreateRequire } from 'node:module'; const require = __mesCreateRequire(import.meta.url);";
/**
 * None: the SDK is bundled and tree-shaken. The runtime ships its own copy, but loading that
 * from node_modules made a cold start about 1.4x slower than the bundled, tree-shaken client
 * in the same run (bench/RESULTS.md, cold starts); the zip is bigger, which costs nothing.
 */
const EXTERNAL_MODULES: string[] = [];

/** How an API function is bundled (infra/constructs/api-function-code.ts): the bench builds with exactly these. */
export const API_BUNDLE_SETTINGS = { repoRoot: REPO_ROOT, target: ESBUILD_TARGET, banner: REQUIRE_BANNER, external: EXTERNAL_MODULES } as const;

export class MesFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: MesFunctionProps) {
    super(scope, id);
    checkEntry(props);

    // Operational logs only (the audit trail lives in DynamoDB), so a month is enough and they
    // go with the stack.
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Our own role instead of the default one: the default attaches the AWSLambdaBasicExecutionRole
    // managed policy (logs:* on every log group); this one may write to its own log group only.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(this.role);

    const common = {
      description: props.description,
      runtime: MES_RUNTIME,
      // Graviton: cheaper per GB-second, and the bundle is pure JavaScript.
      architecture: Architecture.ARM_64,
      role: this.role,
      // 512 MB: Lambda scales CPU with memory, and cold starts (module init, TLS to
      // DynamoDB) are CPU-bound; at this size they are roughly halved against 128 MB for a
      // fraction of a cent. 10 s: a handler makes a few single-digit-ms DynamoDB calls, so 10 s
      // only covers SDK retries; failing well inside API Gateway's 30 s limit returns a clean 5xx.
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      logGroup: this.logGroup,
      // X-Ray active tracing (docs/operations.md): Lambda records each invocation's segment
      // (init, invoke, overhead) with no SDK in the bundle. Powertools Tracer would add
      // subsegments per AWS SDK call, but it costs ~32 ms more import per cold start (bundled,
      // measured against the logger alone): not taken.
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      environment: {
        [ENV.appVersion]: props.appVersion,
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? 'mes-api',
        // No --enable-source-maps: it makes every cold import ~40% slower (bench/RESULTS.md).
        // The .map ships beside the bundle; set NODE_OPTIONS=--enable-source-maps to debug.
      },
    };
    if (props.api) {
      const code = apiFunctionCode(props.api, API_BUNDLE_SETTINGS);
      this.function = new LambdaFunction(this, 'Function', { ...common, code, handler: 'index.handler' });
      this.acknowledgeTracing();
      return;
    }
    this.function = new NodejsFunction(this, 'Function', {
      ...common,
      entry: `${REPO_ROOT}${props.entry}`,
      handler: 'handler',
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      projectRoot: REPO_ROOT,
      bundling: {
        // Local esbuild only: synth must work on a laptop or CI runner without Docker.
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: ESBUILD_TARGET,
        minify: true,
        sourceMap: true,
        // Mappings are enough for stack traces; the sources would only bloat the zip.
        sourcesContent: false,
        // Prefer ESM builds of dependencies so esbuild can tree-shake them.
        mainFields: ['module', 'main'],
        externalModules: EXTERNAL_MODULES,
        banner: REQUIRE_BANNER,
      },
    });
    this.acknowledgeTracing();
  }

  /** Active tracing grants the role X-Ray's two write actions on `*`: X-Ray has no resource to name. */
  private acknowledgeTracing(): void {
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'xray:PutTraceSegments and xray:PutTelemetryRecords (added by Lambda active tracing) support no resource-level permissions (X-Ray has no resource to name).',
    });
  }

  /**
   * Least-privilege table access: exactly the actions of `access`, on the table and on the
   * GSIs named in shared/db/table.ts (listed by name, no `index/*` wildcard). Query is the only
   * action that can target an index, so the index ARNs are granted Query alone.
   */
  /**
   * Tenant isolation (docs/isolation.md): an API function reaches the table only through a
   * tenant's session of the tenant access role of its level (TenantAccessStack), never with its
   * own role. Its own role may assume that role with the tenant tag, and (write functions) put
   * into the two registries no tenant owns, which hold tenant ids only (SYSTEM_REGISTRY_KEYS).
   */
  bindTenantTable(table: ITable, access: TenantAccess): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sts:AssumeRole', 'sts:TagSession'], resources: [TENANT_ACCESS.roleArn(access)] }),
    );
    if (access === 'write') {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['dynamodb:PutItem'],
          resources: [table.tableArn],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': SYSTEM_REGISTRY_KEYS } },
        }),
      );
    }
    this.function.addEnvironment(ENV.tableName, table.tableName);
    this.function.addEnvironment(ENV.tenantRoleArn, TENANT_ACCESS.roleArn(access));
  }

  bindTable(table: ITable, access: TableAccess): void {
    const indexArns = TABLE.globalSecondaryIndexes.map((gsi) => `${table.tableArn}/index/${gsi.indexName}`);
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: [...TABLE_ACTIONS[access]], resources: [table.tableArn] }));
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: indexArns }));
    this.function.addEnvironment(ENV.tableName, table.tableName);
  }
}

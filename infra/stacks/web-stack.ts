/**
 * WebStack: hosting of the supervisor web app (web/). A private S3 bucket that only CloudFront
 * reads (Origin Access Control), HTTPS only, the app's security headers on every answer, and
 * one build for every environment: config.json (API URL, Cognito hosted UI, web client id) is
 * written at deploy time from the API stack's values.
 * Its own stack because the static site deploys far more often than anything else.
 *
 * Sign-in on AWS redirects back to the app's origin, which Cognito accepts only when it is one
 * of the web client's callback URLs, and the browser calls the API only from an origin its CORS
 * allows. Both come from the `mes:webOrigins` context, which the API stack reads before this
 * stack exists: after the first deployment, put the WebUrl output in it and deploy again,
 *   npx cdk deploy --all -c mes:webOrigins=https://d111111abcdef8.cloudfront.net
 * (or set it in cdk.json).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, DefaultStackSynthesizer, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { contentSecurityPolicy } from '../../web/security-headers.ts';
import type { AppConfig, LiveFeedConfig } from '../../web/src/config.ts';
import { acknowledgeAwsCustomResource, webAclArnReader } from './edge-stack.ts';

export interface WebStackProps extends StackProps {
  /** A built app (web/build.ts), deployed as it is. */
  readonly webDist: string;
  /** Base URL of the HTTP API, without a trailing slash: the app appends `/v1/...`. */
  readonly apiUrl: string;
  /** Base URL of the Cognito hosted UI, e.g. https://mes-123.auth.eu-west-1.amazoncognito.com */
  readonly authDomain: string;
  /** The Cognito app client of the web app. */
  readonly webClientId: string;
  /** The live feed over IoT Core (live-stack.ts); absent, the app polls. */
  readonly live?: LiveFeedConfig;
  /** Put the distribution behind the edge stack's web ACL (read from us-east-1 at deploy time, infra/stacks/edge-stack.ts). */
  readonly webAcl?: boolean;
}

/** The hashed JavaScript of a build (web/build.ts HASHED_FILE), as `aws s3 sync` patterns. */
const HASHED_PATTERNS = ['app-*.js', 'app-*.js.map', 'boot-*.js', 'boot-*.js.map', 'chunk-*.js', 'chunk-*.js.map'];
/** Its hashed WebAssembly (web/build.ts WASM_FILE): deployed apart, to be sent as application/wasm. */
const WASM_PATTERNS = ['*.wasm'];
/** Never change under their name: a year, no revalidation. */
const CACHE_IMMUTABLE = CacheControl.fromString('public, max-age=31536000, immutable');
/** index.html, sw.js, config.json, manifest, icons: stored, but revalidated on each use. */
const CACHE_REVALIDATE = CacheControl.noCache();
/** Where `cdk bootstrap --qualifier` is recorded, which names the asset bucket. */
const BOOTSTRAP_QUALIFIER_CONTEXT = '@aws-cdk/core:bootstrapQualifier';

/** What the app connects to for the live feed on AWS: IoT Core's WebSocket, and Cognito identity for its credentials. */
const liveOrigins = (live: LiveFeedConfig | undefined): string[] =>
  live?.mode === 'iot' ? [`wss://${live.endpoint}`, `https://cognito-identity.${live.region}.amazonaws.com`] : [];

export class WebStack extends Stack {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** https://<distribution>.cloudfront.net */
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    if (!existsSync(join(props.webDist, 'index.html'))) {
      throw new Error(
        `WebStack: ${props.webDist} holds no built web app (no index.html). Build it with \`npm run build:web\`, or leave out -c mes:webDist to have synth build it.`,
      );
    }

    // S3 server access logs of the site bucket and CloudFront's standard logs. CloudFront
    // writes its logs with an ACL, hence ACLs enabled with the bucket owner preferred.
    const logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket is the access log destination of the web bucket and the distribution; logging its own ' +
        'log deliveries would only log log writes. It is private, TLS-only, and keeps logs 90 days.',
    });

    this.bucket = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3/',
    });

    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'MES web app: CSP (self, the API, the Cognito hosted UI), nosniff, no framing, HSTS',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy([props.apiUrl, props.authDomain, ...liveOrigins(props.live)]),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.SAME_ORIGIN, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });

    // No error responses: routes are in the hash (#/orders/WO-1), so every page is `/` and a
    // missing file is really missing; turning it into index.html would hide broken links.
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'MES supervisor web app',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      ...(props.webAcl ? { webAclId: webAclArnReader(this, 'WebAclArn') } : {}),
    });
    if (props.webAcl) acknowledgeAwsCustomResource(this);
    this.acknowledgeDistribution(props.webAcl ?? false);
    this.url = `https://${this.distribution.distributionDomainName}`;

    // Hashed files first, kept across deployments (a page loaded before a deployment may still
    // import its chunks), then the rest, whose index.html points at them. No CloudFront
    // invalidation: the rest is sent with no-cache, which CloudFront keeps for the cache policy's
    // minimum TTL (1 s) only, and hashed files get new names.
    const assets = Source.asset(props.webDist);
    const hashed = new BucketDeployment(this, 'DeployHashedFiles', {
      destinationBucket: this.bucket,
      sources: [assets],
      exclude: ['*'],
      include: HASHED_PATTERNS,
      prune: false,
      cacheControl: [CACHE_IMMUTABLE],
      // The handler's answer to CloudFormation is limited to 4 KB; nothing here reads the key list.
      outputObjectKeys: false,
    });
    // The barcode reader's WebAssembly (zxing-wasm), served from this origin: its type is set, not
    // guessed, since WebAssembly.instantiateStreaming refuses anything but application/wasm.
    const wasm = new BucketDeployment(this, 'DeployWasm', {
      destinationBucket: this.bucket,
      sources: [assets],
      exclude: ['*'],
      include: WASM_PATTERNS,
      prune: false,
      cacheControl: [CACHE_IMMUTABLE],
      contentType: 'application/wasm',
      outputObjectKeys: false,
    });
    const config: AppConfig = {
      apiUrl: props.apiUrl,
      auth: { mode: 'cognito', domain: props.authDomain, clientId: props.webClientId },
      ...(props.live ? { live: props.live } : {}),
    };
    const shell = new BucketDeployment(this, 'DeployShell', {
      destinationBucket: this.bucket,
      sources: [assets, Source.jsonData('config.json', config)],
      // Excluded files are neither uploaded nor pruned here: the deployment above owns them.
      exclude: [...HASHED_PATTERNS, ...WASM_PATTERNS, 'budget.json'],
      prune: true,
      cacheControl: [CACHE_REVALIDATE],
      outputObjectKeys: false,
    });
    shell.node.addDependency(hashed, wasm);
    this.acknowledgeDeploymentHandler(hashed);

    new CfnOutput(this, 'WebUrl', {
      value: this.url,
      description: 'The supervisor app. Put this origin in the mes:webOrigins context (Cognito callback, API CORS) and deploy again.',
    });
    new CfnOutput(this, 'WebBucketName', { value: this.bucket.bucketName });
  }

  /** The one Lambda function aws-s3-deployment creates per stack for every BucketDeployment: its grants are CDK's. */
  private acknowledgeDeploymentHandler(deployment: BucketDeployment) {
    const handler = deployment.handlerRole.node.scope as Construct;
    const acknowledge = (id: string, reason: string) => Validations.of(handler).acknowledge({ id, reason });
    const qualifier = this.node.tryGetContext(BOOTSTRAP_QUALIFIER_CONTEXT) ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const site = this.getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    acknowledge(
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'The bucket deployment handler of aws-cdk-lib comes with the AWS managed basic execution policy, which lets it write its own CloudWatch logs and nothing else.',
    );
    const assetRead =
      'The handler reads the zipped web app from the CDK bootstrap asset bucket; the wildcards are the read grant aws-cdk-lib gives it on that bucket, which holds deployment assets only.';
    for (const finding of [
      'Action::s3:GetBucket*',
      'Action::s3:GetObject*',
      'Action::s3:List*',
      `Resource::arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-<AWS::Region>/*`,
    ]) {
      acknowledge(`AwsSolutions-IAM5[${finding}]`, assetRead);
    }
    const siteWrite =
      'The handler syncs the web app into the site bucket and prunes what a new build no longer has: write and delete on any key of that one bucket, which holds nothing but the app.';
    for (const finding of ['Action::s3:Abort*', 'Action::s3:DeleteObject*', `Resource::<${site}.Arn>/*`])
      acknowledge(`AwsSolutions-IAM5[${finding}]`, siteWrite);
    acknowledge(
      'AwsSolutions-L1',
      'The runtime of the bucket deployment handler is chosen by aws-cdk-lib (a Python runtime for the AWS CLI layer) and moves with aws-cdk-lib upgrades; the construct offers no setting for it.',
    );
  }

  private acknowledgeDistribution(webAcl: boolean) {
    const acknowledge = (id: string, reason: string) => Validations.of(this.distribution).acknowledge({ id, reason });
    acknowledge(
      'AwsSolutions-CFR1',
      'Plants and their supervisors are in many countries; the app is static files with no data, and everything ' +
        'it shows comes from the API behind Cognito sign-in, so a geo restriction would protect nothing.',
    );
    // With the edge stack's web ACL there is nothing to acknowledge; without it (mes:webWaf=false) the reason:
    if (!webAcl) {
      acknowledge(
        'AwsSolutions-CFR2',
        'Turned off by the deployer (mes:webWaf=false): the distribution serves public static files only (no data, no forms); ' +
          'everything the app shows comes from the API behind Cognito sign-in. docs/operations.md says what the web ACL costs.',
      );
    }
    acknowledge(
      'AwsSolutions-CFR4',
      'With the default *.cloudfront.net certificate CloudFront cannot pin the viewer minimum to TLSv1.2; ' +
        'current browsers negotiate TLS 1.2 or 1.3 anyway. A custom domain with an ACM certificate and ' +
        'TLSv1.2_2021 lifts this when the plant has a domain for the app.',
    );
  }
}

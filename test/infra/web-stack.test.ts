/**
 * The web stack hosts the supervisor app: a private, TLS-only, encrypted, logged S3 bucket read
 * only by CloudFront through Origin Access Control; HTTPS with the app's security headers; the
 * hashed files deployed with a year-long cache and kept, the rest revalidated and pruned, and
 * config.json written at deploy time with the API stack's URL, hosted UI and client id. The
 * API stack takes `mes:webOrigins` as the Cognito callback URLs and the CORS origins.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CONTEXT, parseWebOrigins } from '../../infra/stacks/mes-stacks.ts';
import { HASHED_FILE } from '../../web/build.ts';
import { builtWebDist, type CfnResource, newMesApp, resourcesOf } from './mes-app.ts';

type Statement = { Effect: string; Action: string | string[]; Principal?: unknown; Resource: unknown; Condition?: unknown };
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
const INSECURE_TRANSPORT = '{"Bool":{"aws:SecureTransport":"false"}}';

/** `aws s3 sync` --include/--exclude patterns: `*` is any run of characters, `?` one. */
const globMatches = (pattern: string, name: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(name);

describe('the web stack', () => {
  // Prepare
  const { app, stacks } = newMesApp();
  const stack = stacks.web;
  const template = Template.fromStack(stack);
  const ofType = (type: string) => resourcesOf(template, type);
  const logicalId = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const siteId = logicalId(stack.bucket);
  const distribution = Object.values(ofType('AWS::CloudFront::Distribution'));
  const config = distribution[0]?.Properties.DistributionConfig;
  const deployments = Object.entries(ofType('Custom::CDKBucketDeployment'));
  /** The pruned deployment (the shell), or one of the kept ones: the hashed JavaScript, the WebAssembly. */
  const deployment = (prune: boolean, include?: string) => {
    const found = deployments.filter(([, d]) => d.Properties.Prune === prune && (!include || d.Properties.Include?.includes(include)));
    assert.equal(found.length, 1, `one deployment with prune ${prune}${include ? ` including ${include}` : ''}`);
    return found[0] as [string, CfnResource];
  };

  it('keeps the site bucket private, encrypted, TLS-only and logged', () => {
    // Act
    const site = ofType('AWS::S3::Bucket')[siteId]?.Properties;
    const policy = Object.values(ofType('AWS::S3::BucketPolicy')).find((p) => p.Properties.Bucket.Ref === siteId);
    const statements = (policy?.Properties.PolicyDocument.Statement ?? []) as Statement[];
    // Assess
    assert.deepEqual(site?.PublicAccessBlockConfiguration, {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    assert.equal(site?.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm, 'AES256');
    assert.ok(site?.LoggingConfiguration?.DestinationBucketName, 'server access logs');
    assert.equal(JSON.stringify(statements.find((s) => s.Effect === 'Deny')?.Condition), INSECURE_TRANSPORT);
    assert.equal(site?.WebsiteConfiguration, undefined, 'no S3 website endpoint');
    const allows = statements.filter((s) => s.Effect === 'Allow');
    assert.ok(allows.length > 0);
    for (const allow of allows) {
      assert.deepEqual(allow.Principal, { Service: 'cloudfront.amazonaws.com' }, 'only CloudFront may read');
      assert.deepEqual(list(allow.Action), ['s3:GetObject']);
      assert.match(JSON.stringify(allow.Condition), /AWS:SourceArn/, 'only this distribution');
    }
  });

  it('serves it through CloudFront with Origin Access Control, HTTPS only, index.html at the root, no error rewrites', () => {
    // Prepare
    const oac = Object.entries(ofType('AWS::CloudFront::OriginAccessControl'));
    // Assess
    assert.equal(distribution.length, 1);
    assert.equal(oac.length, 1);
    assert.deepEqual(oac[0]?.[1].Properties.OriginAccessControlConfig, {
      Name: oac[0]?.[1].Properties.OriginAccessControlConfig.Name,
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const [origin, ...others] = config.Origins;
    assert.equal(others.length, 0);
    assert.deepEqual(origin.OriginAccessControlId, { 'Fn::GetAtt': [oac[0]?.[0], 'Id'] });
    assert.deepEqual(origin.DomainName, { 'Fn::GetAtt': [siteId, 'RegionalDomainName'] });
    assert.equal(origin.S3OriginConfig.OriginAccessIdentity, '', 'no legacy origin access identity');
    assert.equal(config.DefaultRootObject, 'index.html');
    assert.equal(config.DefaultCacheBehavior.ViewerProtocolPolicy, 'redirect-to-https');
    assert.deepEqual(config.DefaultCacheBehavior.AllowedMethods, ['GET', 'HEAD']);
    assert.equal(config.CustomErrorResponses, undefined, 'hash routing needs no SPA rewrite');
    assert.ok(config.Logging?.Bucket, 'standard logs');
  });

  it('adds the security headers: a CSP allowing the API and the hosted UI, nosniff, no framing, a referrer policy, HSTS', () => {
    // Prepare
    const [[policyId, policy]] = Object.entries(ofType('AWS::CloudFront::ResponseHeadersPolicy')) as [[string, CfnResource]];
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    const apiId = stacks.api.getLogicalId(stacks.api.api.node.defaultChild as CfnElement);
    // Assess
    assert.deepEqual(config.DefaultCacheBehavior.ResponseHeadersPolicyId, { Ref: policyId });
    assert.match(
      csp,
      /default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'/,
      'WebAssembly (the barcode reader) and no other eval',
    );
    assert.match(csp, new RegExp(`connect-src 'self' ".*${apiId}ApiEndpoint.*amazoncognito\\.com;`), 'the API origin, then the hosted UI');
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(headers.ContentSecurityPolicy.Override, true);
    assert.deepEqual(headers.ContentTypeOptions, { Override: true });
    assert.deepEqual(headers.FrameOptions, { FrameOption: 'DENY', Override: true });
    assert.deepEqual(headers.ReferrerPolicy, { ReferrerPolicy: 'same-origin', Override: true });
    assert.ok(headers.StrictTransportSecurity.AccessControlMaxAgeSec >= 31536000);
  });

  it('deploys the hashed files for a year and keeps old ones, then the rest revalidated and pruned', () => {
    // Prepare
    const [hashedId, hashed] = deployment(false, 'app-*.js');
    const [wasmId, wasm] = deployment(false, '*.wasm');
    const [, shell] = deployment(true);
    const files = readdirSync(builtWebDist());
    const inHashed = (file: string) => [hashed, wasm].some((d) => d.Properties.Include.some((p: string) => globMatches(p, file)));
    const excludedFromShell = (file: string) => shell.Properties.Exclude.some((p: string) => globMatches(p, file));
    // Assess
    assert.equal(deployments.length, 3);
    assert.deepEqual(hashed.Properties.Exclude, ['*']);
    assert.deepEqual(wasm.Properties.Exclude, ['*']);
    assert.deepEqual(wasm.Properties.SystemMetadata, { 'cache-control': 'public, max-age=31536000, immutable', 'content-type': 'application/wasm' });
    assert.ok(
      files.some((f) => f.endsWith('.wasm')),
      'the barcode reader is part of the build',
    );
    assert.deepEqual(hashed.Properties.SystemMetadata, { 'cache-control': 'public, max-age=31536000, immutable' });
    assert.deepEqual(shell.Properties.SystemMetadata, { 'cache-control': 'no-cache' });
    assert.ok(files.some((f) => HASHED_FILE.test(f)) && files.includes('index.html'), 'a real build');
    for (const file of files) {
      assert.equal(inHashed(file), HASHED_FILE.test(file), `${file}: in the year-long deployment exactly when hashed`);
      assert.equal(excludedFromShell(file), HASHED_FILE.test(file) || file === 'budget.json', `${file}: in the revalidated deployment unless hashed`);
    }
    assert.ok(list(shell.DependsOn as string | string[]).includes(hashedId), 'index.html lands after the files it points at');
    assert.ok(list(shell.DependsOn as string | string[]).includes(wasmId));
  });

  it('writes config.json at deploy time: the API URL, the Cognito hosted UI and the web client id of the API stack', () => {
    // Prepare
    const [, shell] = deployment(true);
    const assembly = app.synth();
    const apiId = stacks.api.getLogicalId(stacks.api.api.node.defaultChild as CfnElement);
    const clientId = stacks.api.getLogicalId(stacks.api.auth.webClient.node.defaultChild as CfnElement);
    const domainId = stacks.api.getLogicalId(stacks.api.auth.domain.node.defaultChild as CfnElement);
    // Act: the jsonData source is the one with markers; its asset holds config.json
    const index = (shell.Properties.SourceMarkers as Record<string, unknown>[]).findIndex((m) => Object.keys(m).length > 0);
    const key = String(shell.Properties.SourceObjectKeys[index]).replace(/\.zip$/, '');
    const file = JSON.parse(readFileSync(join(assembly.directory, `asset.${key}`, 'config.json'), 'utf8'));
    const markers = shell.Properties.SourceMarkers[index] as Record<string, unknown>;
    const marker = (text: string) => {
      const found = Object.keys(markers).filter((m) => text.includes(m));
      assert.ok(found.length > 0, `${text} has a deploy-time value`);
      return found.map((m) => JSON.stringify(markers[m])).join(' ');
    };
    // Assess
    assert.equal(shell.Properties.SourceMarkersConfig[index].jsonEscape, true);
    assert.deepEqual(Object.keys(file).sort(), ['apiUrl', 'auth']);
    assert.equal(file.auth.mode, 'cognito');
    assert.match(marker(file.apiUrl), new RegExp(`"StackName":"MesApi".*${apiId}ApiEndpoint`));
    assert.match(file.auth.domain, /^https:\/\/.+\.auth\..+\.amazoncognito\.com$/);
    assert.match(marker(file.auth.domain), new RegExp(domainId));
    assert.match(marker(file.auth.clientId), new RegExp(`"StackName":"MesApi".*${clientId}`));
  });

  it('outputs the app URL to put into mes:webOrigins', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown; Description?: string }>;
    assert.deepEqual(outputs.WebUrl?.Value, { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.distribution), 'DomainName'] }]] });
    assert.match(outputs.WebUrl?.Description ?? '', /mes:webOrigins/);
  });

  it('is built after the API stack and depends on it', () => {
    // Act
    const assembly = app.synth();
    // Assess
    const order = app.node.children.map((c) => c.node.id);
    assert.ok(order.indexOf('MesApi') < order.indexOf('MesWeb'));
    assert.ok(assembly.getStackArtifact('MesWeb').dependencies.some((d) => d.id === 'MesApi'));
  });
});

describe('web origins', () => {
  it('become the Cognito web client callback URLs (the origin root) and the API CORS origins', () => {
    // Prepare
    const origins = ['https://d111111abcdef8.cloudfront.net', 'http://localhost:3000'];
    const { stacks } = newMesApp({ context: { [CONTEXT.webOrigins]: origins.join(', ') } });
    const api = Template.fromStack(stacks.api);
    // Act
    const client = Object.values(resourcesOf(api, 'AWS::Cognito::UserPoolClient'))[0]?.Properties;
    const cors = Object.values(resourcesOf(api, 'AWS::ApiGatewayV2::Api'))[0]?.Properties.CorsConfiguration;
    // Assess
    assert.deepEqual(client?.CallbackURLs, ['https://d111111abcdef8.cloudfront.net/', 'http://localhost:3000/']);
    assert.deepEqual(client?.AllowedOAuthFlows, ['code']);
    assert.deepEqual(cors.AllowOrigins, origins);
    assert.deepEqual([...cors.AllowHeaders].sort(), ['authorization', 'content-type', 'idempotency-key', 'if-match', 'x-correlation-id']);
    assert.ok(cors.ExposeHeaders.includes('etag') && cors.ExposeHeaders.includes('location'));
    assert.equal(cors.AllowCredentials, undefined, 'bearer tokens, no cookies');
  });

  it('default to the local runtime, and refuse anything that is not an origin', () => {
    assert.deepEqual(parseWebOrigins(undefined), ['http://localhost:3000']);
    for (const bad of ['https://d1.cloudfront.net/', 'https://d1.cloudfront.net/app', 'd1.cloudfront.net', 'ftp://x.test', '']) {
      assert.throws(() => parseWebOrigins(bad), /mes:webOrigins/, JSON.stringify(bad));
    }
  });
});

describe('the web stack without a built app', () => {
  it('fails synth with a message saying how to build it', () => {
    // Prepare
    const empty = mkdtempSync(join(tmpdir(), 'mes-web-empty-'));
    try {
      // Act + Assess
      assert.throws(() => newMesApp({ context: { [CONTEXT.webDist]: empty } }), /no built web app.*npm run build:web/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

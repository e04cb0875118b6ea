/**
 * The CDK app as `cdk synth` builds it, for the infra tests: same stacks, same cdk.json
 * feature flags (a bare `new App()` would not read cdk.json). To keep the tests fast, asset
 * bundling (most of a minute for every handler) and CDK's built-in CloudFormation template
 * validation (about 10 s) are off unless asked for: handler-bundle.test.ts bundles for real,
 * cdk-nag-findings.test.ts validates for real. The web app is built once per test process into
 * a temp dir (`mes:webDist`), not into web/dist, which `npm start` may be serving.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { ApiStackProps } from '../../infra/stacks/api-stack.ts';
import { CONTEXT, addMesStacks } from '../../infra/stacks/mes-stacks.ts';
import { buildWebSync } from '../../web/build.ts';

export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context;

let webDist: string | undefined;

/** The web app the stacks deploy, built on first use. */
export function builtWebDist(): string {
  if (!webDist) {
    const dir = mkdtempSync(join(tmpdir(), 'mes-web-infra-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    webDist = buildWebSync({ outDir: dir }).outDir;
  }
  return webDist;
}

export function newMesApp(
  options: { bundle?: boolean; validate?: boolean; context?: Record<string, unknown>; routes?: ApiStackProps['routes'] } = {},
) {
  const app = new App({
    builtinCloudFormationValidation: options.validate ?? false,
    context: {
      ...CDK_JSON_CONTEXT,
      [CONTEXT.webDist]: builtWebDist(),
      ...options.context,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      // A failed validation throws with the report in its message instead of printing it.
      '@aws-cdk/core:appMode': 'inmemory',
    },
  });
  return { app, stacks: addMesStacks(app, options.routes ? { routes: options.routes } : {}) };
}

export type CfnResource = { Type: string; Properties: Record<string, any>; [attribute: string]: unknown };

/** Resources of one type, by logical id. */
export const resourcesOf = (template: Template, type: string) => template.findResources(type) as Record<string, CfnResource>;

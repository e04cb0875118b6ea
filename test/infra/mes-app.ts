/**
 * The CDK app as `cdk synth` builds it, for the infra tests: same stacks, same cdk.json
 * feature flags (a bare `new App()` would not read cdk.json). To keep the tests fast, asset
 * bundling (most of a minute for every handler) and CDK's built-in CloudFormation template
 * validation (about 10 s) are off unless asked for: handler-bundle.test.ts bundles for real,
 * cdk-nag-findings.test.ts validates for real.
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { addMesStacks } from '../../infra/stacks/mes-stacks.ts';

export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

export function newMesApp(options: { bundle?: boolean; validate?: boolean; context?: Record<string, unknown> } = {}) {
  const app = new App({
    builtinCloudFormationValidation: options.validate ?? false,
    context: {
      ...CDK_JSON_CONTEXT,
      ...options.context,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      // A failed validation throws with the report in its message instead of printing it.
      '@aws-cdk/core:appMode': 'inmemory',
    },
  });
  return { app, stacks: addMesStacks(app) };
}

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are free-form JSON.
export type CfnResource = { Type: string; Properties: Record<string, any>; [attribute: string]: unknown };

/** Resources of one type, by logical id. */
export const resourcesOf = (template: Template, type: string) =>
  template.findResources(type) as Record<string, CfnResource>;

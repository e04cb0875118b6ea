/**
 * CloudFormation resources per stack, as `cdk synth` builds the app (cdk.json's feature flags;
 * no asset bundling, which changes no count): with today's routes, and in a test app with 100
 * more routes of the same shape as today's (each a copy of an existing route under a new path,
 * in its context). CloudFormation takes at most 500 resources per stack.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { type RouteDef, routeList } from '../shared/api/routes.ts';
import { CONTEXT, addMesStacks } from '../infra/stacks/mes-stacks.ts';
import { buildWebSync } from '../web/build.ts';

export const STACK_TARGETS = { today: 250, projected: 450, limit: 500 } as const;
export const EXTRA_ROUTES = 100;

export interface StackCounts {
  routes: number;
  /** Stack name -> resources. */
  stacks: Record<string, number>;
  /** Resources of one API function (function, role, policy, log group, integration, permission), as a new context would add. */
  perFunction: number;
}

export interface StackResults {
  today: StackCounts;
  projected: StackCounts;
}

const CDK_CONTEXT: Record<string, unknown> = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')).context;

/** `n` routes of today's shapes under new paths (`/v1/more-<i>/...`), each in the context of the route it copies. */
export function moreRoutes(n: number): (RouteDef & { id: string })[] {
  return Array.from({ length: n }, (_, i) => {
    const model = routeList[i % routeList.length] as RouteDef & { id: string };
    return { ...model, id: `${model.id}More${i}`, path: model.path.replace(/^\/v1\//, `/v1/more-${i}/`) };
  });
}

function count(webDist: string, routes: readonly (RouteDef & { id: string })[]): StackCounts {
  const app = new App({
    context: { ...CDK_CONTEXT, [CONTEXT.webDist]: webDist, 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:appMode': 'inmemory' },
  });
  const { api } = addMesStacks(app, { routes: routes as never });
  const assembly = app.synth();
  const stacks: Record<string, number> = {};
  let perFunction = 0;
  for (const stack of assembly.stacks) {
    const resources = (stack.template as { Resources?: Record<string, { Type: string }> }).Resources ?? {};
    stacks[stack.stackName] = Object.keys(resources).length;
    if (stack.stackName === api.stackName) {
      const types = Object.values(resources).map((r) => r.Type);
      const functions = types.filter((t) => t === 'AWS::Lambda::Function').length;
      const perFunctionTypes = [
        'AWS::Lambda::Function',
        'AWS::IAM::Role',
        'AWS::IAM::Policy',
        'AWS::ApiGatewayV2::Integration',
        'AWS::Lambda::Permission',
      ];
      // Plus its own log group (the stack has one more, the API's access logs).
      perFunction = types.filter((t) => perFunctionTypes.includes(t)).length / functions + 1;
    }
  }
  return { routes: routes.length, stacks, perFunction };
}

export function measureStacks(): StackResults {
  const dir = mkdtempSync(join(tmpdir(), 'mes-bench-stacks-'));
  try {
    const webDist = buildWebSync({ outDir: `${dir}/` }).outDir;
    return { today: count(webDist, routeList), projected: count(webDist, [...routeList, ...moreRoutes(EXTRA_ROUTES)]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

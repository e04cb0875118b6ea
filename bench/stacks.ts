/**
 * CloudFormation resources per stack, as `cdk synth` builds the app (cdk.json's feature flags;
 * no asset bundling, which changes no count): with today's routes, and in a test app with 100
 * more routes of the same shape as today's (each a copy of an existing route under a new path,
 * in its context). CloudFormation takes at most 500 resources per stack.
 */
import { type RouteDef, routeList } from '../shared/api/routes.ts';
import { newMesApp } from '../test/infra/mes-app.ts';

export const STACK_TARGETS = { today: 250, projected: 450, limit: 500 } as const;
export const EXTRA_ROUTES = 100;

export interface StackCounts {
  routes: number;
  /** Stack name -> resources. */
  stacks: Record<string, number>;
  /** Resources of one API function (function, role, policy, log group, integration, permission), as a new context would add. */
  perFunction: number;
  /** The resources with a monthly price of their own, over every stack (section 11, the SaaS cost). */
  priced: PricedResources;
}

/** What a deployment pays for by the month whether or not anyone uses it, counted in the synthesized templates. */
export interface PricedResources {
  alarms: number;
  dashboards: number;
  webAcls: number;
  /** Rules over every web ACL (a managed rule group is one rule). */
  webAclRules: number;
  kmsKeys: number;
  /** Provisioned shards over the Kinesis streams (an on-demand stream counts 0 here). */
  kinesisShards: number;
  functions: number;
  /** Scheduled rules (EventBridge) invoking a function: they run even when the plant is idle. */
  schedules: number;
}

function pricedOf(templates: Record<string, { Type: string; Properties?: Record<string, unknown> }>[]): PricedResources {
  const all = templates.flatMap((t) => Object.values(t));
  const ofType = (type: string) => all.filter((r) => r.Type === type);
  return {
    alarms: ofType('AWS::CloudWatch::Alarm').length,
    dashboards: ofType('AWS::CloudWatch::Dashboard').length,
    webAcls: ofType('AWS::WAFv2::WebACL').length,
    webAclRules: ofType('AWS::WAFv2::WebACL').reduce((n, r) => n + ((r.Properties?.Rules as unknown[] | undefined)?.length ?? 0), 0),
    kmsKeys: ofType('AWS::KMS::Key').length,
    kinesisShards: ofType('AWS::Kinesis::Stream').reduce(
      (n, r) => n + (typeof r.Properties?.ShardCount === 'number' ? r.Properties.ShardCount : 0),
      0,
    ),
    functions: ofType('AWS::Lambda::Function').length,
    schedules: ofType('AWS::Events::Rule').filter((r) => r.Properties?.ScheduleExpression).length,
  };
}

export interface StackResults {
  today: StackCounts;
  projected: StackCounts;
}

/** `n` routes of today's shapes under new paths (`/v1/more-<i>/...`), each in the context of the route it copies. */
export function moreRoutes(n: number): (RouteDef & { id: string })[] {
  return Array.from({ length: n }, (_, i) => {
    const model = routeList[i % routeList.length] as RouteDef & { id: string };
    return { ...model, id: `${model.id}More${i}`, path: model.path.replace(/^\/v1\//, `/v1/more-${i}/`) };
  });
}

function count(routes: readonly (RouteDef & { id: string })[]): StackCounts {
  // The app as the infra tests build it: cdk.json's context, no bundling, the web app built once to a temp dir.
  const { app, stacks: mes } = newMesApp({ routes });
  const api = mes.api;
  const assembly = app.synth();
  const stacks: Record<string, number> = {};
  let perFunction = 0;
  const templates: Record<string, { Type: string; Properties?: Record<string, unknown> }>[] = [];
  for (const stack of assembly.stacks) {
    const resources = (stack.template as { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> }).Resources ?? {};
    templates.push(resources);
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
  return { routes: routes.length, stacks, perFunction, priced: pricedOf(templates) };
}

export function measureStacks(): StackResults {
  return { today: count(routeList), projected: count([...routeList, ...moreRoutes(EXTRA_ROUTES)]) };
}

/**
 * A function of infra/event-sources.ts SCHEDULED_FUNCTIONS on AWS: the MesFunction with the
 * entry's handler, timeout, memory and table access, invoked by an EventBridge rule every few
 * minutes (the local runtime runs it on a timer instead). A failed run is not retried: the next
 * one starts over anyway.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Construct } from 'constructs';
import type { ScheduledFunction } from '../event-sources.ts';
import { tableFunction } from './event-function.ts';
import type { MesFunction } from './mes-function.ts';

export function scheduledFunction(
  scope: Construct,
  id: string,
  fn: ScheduledFunction,
  props: { appVersion: string; table: ITable; everyMinutes?: number | undefined },
): { mes: MesFunction; rule: Rule } {
  const everyMinutes = props.everyMinutes ?? fn.everyMinutes;
  if (!Number.isInteger(everyMinutes) || everyMinutes < 1)
    throw new Error(`${id} runs every whole number of minutes (1 or more), not ${everyMinutes}`);
  const mes = tableFunction(scope, id, fn, props.appVersion, props.table);
  const rule = new Rule(scope, `${id}Schedule`, {
    description: `${fn.description} (every ${everyMinutes} min)`,
    schedule: Schedule.rate(Duration.minutes(everyMinutes)),
    targets: [new LambdaFunction(mes.function, { retryAttempts: 0 })],
  });
  return { mes, rule };
}

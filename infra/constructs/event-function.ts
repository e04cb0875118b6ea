/**
 * A function of infra/event-sources.ts on AWS: the MesFunction with the entry's handler,
 * timeout, memory and table access, and its event source mapping with the entry's batching,
 * retries, filter and dead letters. The stacks only hand over the queues and streams by name.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { FilterCriteria, type IEventSource, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, KinesisEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  type EventFunction,
  type EventFunctionUse,
  type QueueName,
  type SqsSource,
  sqsBatchSize,
  type StreamName,
  type StreamSource,
} from '../event-sources.ts';
import { MesFunction } from './mes-function.ts';

export interface EventSourceResources {
  readonly table: ITable;
  readonly queues: Partial<Record<QueueName, IQueue>>;
  readonly streams?: Partial<Record<StreamName, IStream>>;
}

/** Looks a named queue up, or says which stack forgot to create it. */
function queueOf(resources: EventSourceResources, name: QueueName): IQueue {
  const queue = resources.queues[name];
  if (!queue) throw new Error(`queue ${name} is not part of this stack`);
  return queue;
}

/** The SQS event source settings of a source (a window lets a batch hold more than 10). */
export function sqsEventSourceProps(source: Pick<SqsSource, 'batchSize' | 'batchingWindowSeconds' | 'maxConcurrency'>) {
  return {
    batchSize: sqsBatchSize(source),
    ...(source.batchingWindowSeconds > 0 ? { maxBatchingWindow: Duration.seconds(source.batchingWindowSeconds) } : {}),
    reportBatchItemFailures: true as const,
    ...(source.maxConcurrency !== undefined ? { maxConcurrency: source.maxConcurrency } : {}),
  };
}

function streamProps(source: StreamSource, resources: EventSourceResources) {
  return {
    startingPosition: StartingPosition[source.startingPosition],
    batchSize: source.batchSize,
    ...(source.batchingWindowSeconds > 0 ? { maxBatchingWindow: Duration.seconds(source.batchingWindowSeconds) } : {}),
    ...(source.filter ? { filters: [FilterCriteria.filter(source.filter as Record<string, unknown>)] } : {}),
    reportBatchItemFailures: true,
    bisectBatchOnError: source.bisectBatchOnError,
    retryAttempts: source.retryAttempts,
    maxRecordAge: Duration.seconds(source.maxRecordAgeSeconds),
    onFailure: new SqsDlq(queueOf(resources, source.onFailure)),
    parallelizationFactor: source.parallelizationFactor,
  };
}

export function eventSourceOf(fn: EventFunction, resources: EventSourceResources): IEventSource {
  const { source } = fn;
  switch (source.kind) {
    case 'sqs':
      return new SqsEventSource(queueOf(resources, source.queue), sqsEventSourceProps(source));
    case 'kinesis': {
      const stream = source.stream && resources.streams?.[source.stream];
      if (!stream) throw new Error(`stream ${source.stream} is not part of this stack`);
      return new KinesisEventSource(stream, streamProps(source, resources));
    }
    case 'table-stream':
      return new DynamoEventSource(resources.table, streamProps(source, resources));
  }
}

/** The MesFunction of a declared function (event source or schedule): its handler, timeout, memory, and table access. */
export function tableFunction(
  scope: Construct,
  id: string,
  fn: Pick<EventFunction, 'handler' | 'description' | 'serviceName' | 'timeoutSeconds' | 'memoryMb' | 'tableAccess'>,
  appVersion: string,
  table: ITable,
): MesFunction {
  const mes = new MesFunction(scope, id, {
    entry: fn.handler,
    description: fn.description,
    appVersion,
    serviceName: fn.serviceName,
    timeout: Duration.seconds(fn.timeoutSeconds),
    ...(fn.memoryMb !== undefined ? { memorySize: fn.memoryMb } : {}),
  });
  mes.bindTable(table, fn.tableAccess);
  return mes;
}

/** The MesFunction of a table entry, bound to its table and fed by its source. */
export function eventFunction(
  scope: Construct,
  id: string,
  fn: EventFunction,
  props: { appVersion: string; resources: EventSourceResources; grantUse?: (mes: MesFunction, use: EventFunctionUse) => void },
): MesFunction {
  const mes = tableFunction(scope, id, fn, props.appVersion, props.resources.table);
  for (const use of fn.uses ?? []) {
    if (!props.grantUse) throw new Error(`${fn.handler} uses ${use}, which this stack does not grant`);
    props.grantUse(mes, use);
  }
  mes.function.addEventSource(eventSourceOf(fn, props.resources));
  return mes;
}

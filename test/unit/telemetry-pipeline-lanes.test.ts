/**
 * The local Kinesis consumer keeps Lambda's lanes (infra/event-sources.ts parallelizationFactor):
 * records are spread over the lanes by partition key (the tenant), one batch in flight per lane,
 * so tenant A's poison record holds A's lane while tenant B's records go through, and A's is
 * dead-lettered once its bounded retries run out.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KinesisStreamRecord } from 'aws-lambda';
import { EVENT_FUNCTIONS } from '../../infra/event-sources.ts';
import { createTelemetryPipeline, laneOf, type TelemetryEvent } from '../../infra/local/telemetry-pipeline.ts';
import { silentLog } from '../../infra/local/http-server.ts';
import { telemetryTopic } from '#shared/telemetry/rules.ts';

const LANES = EVENT_FUNCTIONS.ingestMeasurements.source.parallelizationFactor;

/** Two tenants whose partition keys take different lanes. */
function tenantsInTwoLanes(): [string, string] {
  const a = 'tenant-a';
  for (let i = 0; ; i++) if (laneOf(`tenant-b${i}`, LANES) !== laneOf(a, LANES)) return [a, `tenant-b${i}`];
}

const tenantOf = (r: KinesisStreamRecord) => JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8')).tenantId as string;

describe('local telemetry pipeline lanes', () => {
  it('spreads the partition keys of a stream consumer over its lanes, a key always to the same one', () => {
    assert.ok(LANES > 1);
    const lanes = new Set(Array.from({ length: 200 }, (_, i) => laneOf(`t${i}`, LANES)));
    assert.equal(lanes.size, LANES);
    assert.equal(laneOf('acme', LANES), laneOf('acme', LANES));
    assert.equal(laneOf('acme', 1), 0);
  });

  it("does not hold tenant B's records behind tenant A's poison record, and dead-letters A's after its retries", async () => {
    // Prepare
    const [a, b] = tenantsInTwoLanes();
    let releaseA: () => void = () => {};
    const aHeld = new Promise<void>((resolve) => {
      releaseA = resolve;
    });
    const delivered: string[] = [];
    let aCalls = 0;
    const pipeline = createTelemetryPipeline({
      windowMs: 0,
      retryDelayMs: 0,
      log: silentLog,
      handlerResolver: async () => async (event: TelemetryEvent) => {
        const records = event.Records as KinesisStreamRecord[];
        if (records.some((r) => tenantOf(r) === a)) {
          aCalls++;
          // The poison batch: slow, then failing every record, attempt after attempt.
          await aHeld;
          return { batchItemFailures: records.map((r) => ({ itemIdentifier: r.kinesis.sequenceNumber })) };
        }
        delivered.push(...records.map(tenantOf));
        return { batchItemFailures: [] };
      },
    });
    const publish = (tenant: string, n: number) =>
      pipeline.accept({ topic: telemetryTopic(tenant, 'wu-1', 'counts'), payload: Buffer.from(`{"n":${n}}`), clientId: `${tenant}:wu-1` });
    const settledB = new Promise<void>((resolve) => {
      let left = 3;
      for (let n = 0; n < 3; n++) {
        pipeline.accept(
          { topic: telemetryTopic(b, 'wu-1', 'counts'), payload: Buffer.from(`{"n":${n}}`), clientId: `${b}:wu-1` },
          Date.now(),
          (stored) => {
            assert.equal(stored, true);
            if (--left === 0) resolve();
          },
        );
      }
    });
    // Act: A's poison record first, then B's records while A's batch is still in flight.
    assert.ok(publish(a, 0));
    await settledB;
    // Assess: B went through while A's lane was held.
    assert.deepEqual(delivered, [b, b, b]);
    assert.equal(pipeline.deadLetters.length, 0);
    releaseA();
    await pipeline.drain();
    assert.equal(aCalls, EVENT_FUNCTIONS.ingestMeasurements.source.retryAttempts + 1, 'bounded retries');
    assert.deepEqual(
      pipeline.deadLetters.map((d) => ('tenantId' in d.envelope ? d.envelope.tenantId : undefined)),
      [a],
    );
    await pipeline.stop();
  });
});

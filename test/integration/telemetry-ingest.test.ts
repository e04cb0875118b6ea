/**
 * Telemetry ingest through the real consumers (functions/iot/ingest-state.ts with SQS events,
 * ingest-measurements.ts with Kinesis events, built like AWS sends them) into DynamoDB Local,
 * read back through the HTTP API and straight from the table:
 * - a duplicate (in the same batch or a later one) changes nothing: figures and stored items;
 * - reordered and late messages land in the right place and correct every figure;
 * - a message older than the late window or from the future is rejected;
 * - invalid messages become rejected-message records and never fail the rest of their batch,
 *   not even the good samples of a gateway batch that holds a bad one;
 * - counter resets and rollovers (at the unit's counterMax, or UDINT's) are counted right;
 * - a sample naming another unit is taken only from the gateway that unit's master data name
 *   (a retried refusal is kept once), and when that cannot be read the message is retried.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TelemetryEnvelope } from '#shared/telemetry/messages.ts';
import { handler as ingestMeasurements } from '#functions/iot/ingest-measurements.ts';
import { handler as ingestState } from '#functions/iot/ingest-state.ts';
import { type Api, type Mes, as, newTenant, startMes } from '../e2e/support/mes.ts';
import {
  DAY,
  HOUR,
  MINUTE,
  envelope,
  ingest,
  kinesisEvent,
  lambdaContext,
  rejectedItems,
  sqsEvent,
  telemetryFacts,
  unit,
} from '../e2e/support/telemetry.ts';
import { DynamoDbTelemetryRepository } from '#shared/db/telemetry-repository.ts';
import { TelemetryIngest } from '#shared/telemetry/ingest.ts';

const iso = (ts: number) => new Date(ts).toISOString();

/** Delivers envelopes as the rules would: state messages to the SQS consumer, the rest to the Kinesis one. Returns the partial batch failures. */
async function deliver(envelopes: readonly TelemetryEnvelope[]): Promise<string[]> {
  const states = envelopes.filter((e) => e.type === 'state');
  const measurements = envelopes.filter((e) => e.type !== 'state');
  const failures: string[] = [];
  if (states.length) {
    const reply = await ingestState(sqsEvent(states), lambdaContext('ingest-state'));
    failures.push(...reply.batchItemFailures.map((f) => f.itemIdentifier));
  }
  if (measurements.length) {
    const reply = await ingestMeasurements(kinesisEvent(measurements), lambdaContext('ingest-measurements'));
    failures.push(...reply.batchItemFailures.map((f) => f.itemIdentifier));
  }
  return failures;
}

/** Each batch delivered in turn; fails the test on any partial batch failure. */
async function deliverAll(...batches: (readonly TelemetryEnvelope[])[]) {
  for (const batch of batches) assert.deepEqual(await deliver(batch), [], 'no record of the batch may fail');
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** A fixed shuffle (no randomness in tests): odd positions first, then even ones, reversed. */
const shuffled = <T>(list: readonly T[]) => [...list.filter((_, i) => i % 2 === 1), ...list.filter((_, i) => i % 2 === 0).reverse()];

function assertClose(actual: number | null, expected: number, what: string) {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);
}

/**
 * Half an hour of a unit from `b`: running, down 12-15 min (machine reason E-7), running again.
 * Cumulative counters each minute: 8 good a minute while running, a reject every 10 minutes.
 * msgIds do not name the unit, so two units' stored items can be compared.
 */
function halfHour(tenantId: string, equipmentId: string, b: number, receivedAt = () => Date.now()) {
  const u = unit(tenantId, equipmentId, receivedAt);
  const messages = [
    u.state(b, 'running', undefined, 's-0'),
    u.state(b + 12 * MINUTE, 'down', 'E-7', 's-12'),
    u.state(b + 15 * MINUTE, 'running', undefined, 's-15'),
  ];
  let good = 0;
  for (let m = 0; m <= 30; m++) {
    if (m > 0 && !(m > 12 && m <= 15)) good += 8;
    messages.push(u.counts(b + m * MINUTE, good, Math.floor(m / 10), `c-${m}`));
  }
  return messages;
}
/** What the half hour makes, by hand: 27 running minutes × 8 good, 3 rejects, a 3-minute stop. */
const HALF_HOUR = { planned: 1800, run: 1620, down: 180, good: 216, reject: 3, ideal: 6 };

function assertHalfHour(oee: Record<string, any>) {
  assert.equal(oee.plannedTimeSeconds, HALF_HOUR.planned);
  assert.equal(oee.runTimeSeconds, HALF_HOUR.run);
  assert.equal(oee.downtimeSeconds, HALF_HOUR.down);
  assert.deepEqual(oee.downtimeByState, { down: HALF_HOUR.down, offline: 0, setup: 0 });
  assert.equal(oee.goodCount, HALF_HOUR.good);
  assert.equal(oee.rejectCount, HALF_HOUR.reject);
  assert.equal(oee.totalCount, HALF_HOUR.good + HALF_HOUR.reject);
  assert.equal(oee.idealCycleTimeSeconds, HALF_HOUR.ideal);
  assertClose(oee.availability, HALF_HOUR.run / HALF_HOUR.planned, 'availability');
  assertClose(oee.performance, (HALF_HOUR.ideal * (HALF_HOUR.good + HALF_HOUR.reject)) / HALF_HOUR.run, 'performance');
  assertClose(oee.quality, HALF_HOUR.good / (HALF_HOUR.good + HALF_HOUR.reject), 'quality');
  assertClose(oee.oee, (HALF_HOUR.good * HALF_HOUR.ideal) / HALF_HOUR.planned, 'OEE');
}

/** Stored items of a unit without what names the unit or says when they arrived, so units and deliveries compare. */
const comparable = (facts: Awaited<ReturnType<typeof telemetryFacts>>) => ({
  states: facts.states.map(({ pk: _pk, sk, gsi1pk: _g, gsi1sk: _s, equipmentId: _e, receivedAt: _r, ...rest }) => ({ sk: String(sk), ...rest })),
  buckets: facts.buckets,
});

describe('telemetry ingest', () => {
  let mes: Mes;
  let admin: Api;
  const tenant = newTenant();
  /** Three to four hours ago, on the hour: inside the late window, never in the future. */
  const b = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;

  before(async () => {
    mes = await startMes();
    admin = await as(mes, tenant, 'u-admin', ['admin']);
    await admin.ok('PUT', '/v1/equipment/site-1', { name: 'Plant', level: 'site' });
    await admin.ok('PUT', '/v1/equipment/wc-1', { name: 'Line 1', level: 'workCenter', parentId: 'site-1' });
  });
  after(async () => {
    await mes?.stop();
  });

  /** A press of its own per test; silent for an hour before it counts as offline. */
  async function press(id: string, extra: Record<string, unknown> = {}) {
    await admin.ok('PUT', `/v1/equipment/${id}`, {
      name: id,
      level: 'workUnit',
      parentId: 'wc-1',
      idealCycleTimeSeconds: 6,
      offlineAfterSeconds: 3600,
      ...extra,
    });
    return id;
  }

  /** Everything the read side shows of a unit over a range, and everything stored for it. */
  async function figures(id: string, from: number, to: number) {
    const range = `from=${iso(from)}&to=${iso(to)}`;
    const [oee, downtime, status, facts] = await Promise.all([
      admin.get(`/v1/equipment/${id}/oee?${range}`),
      admin.get(`/v1/equipment/${id}/downtime?${range}`),
      admin.get(`/v1/equipment/${id}/status`),
      telemetryFacts(tenant, id, [from, to]),
    ]);
    for (const reply of [oee, downtime, status]) assert.equal(reply.status, 200, reply.text);
    // Today's OEE runs up to now, so it moves between two reads; the rest must not.
    const { oeeToday: _, ...live } = status.body;
    return { oee: oee.body, downtime: downtime.body.items, status: live, facts };
  }

  describe('duplicates', () => {
    it('changes nothing when a message comes again, in the same batch or a later one', async () => {
      // Prepare: the half hour, delivered once.
      const id = await press('wu-dup-1');
      const messages = halfHour(tenant, id, b);
      await deliverAll(messages);
      const once = await figures(id, b, b + 30 * MINUTE);
      assertHalfHour(once.oee);

      // Act: QoS 1 redeliveries, as IoT Core makes them: later, so with a later receivedAt.
      const again = (list: readonly TelemetryEnvelope[]) => list.map((e) => ({ ...e, receivedAt: e.receivedAt + 5_000 }));
      await deliverAll(
        [messages[1]!, messages[1]!, messages[10]!, messages[10]!], // the stop and a reading, twice in one batch
        ...chunks(again(shuffled(messages)), 7), // everything again, in other batches and another order
      );

      // Assess
      const twice = await figures(id, b, b + 30 * MINUTE);
      assert.deepEqual(twice.oee, once.oee);
      assert.deepEqual(twice.downtime, once.downtime);
      assert.deepEqual(twice.status, once.status);
      assert.deepEqual(twice.facts.buckets, once.facts.buckets);
      assert.deepEqual(twice.facts.states, once.facts.states, 'the state items as stored, their place in the change feed too');
    });

    it('does not announce a redelivered state change again in the change feed', async () => {
      // Prepare: the half hour, delivered once; a client of the feed has read up to here.
      const id = await press('wu-dup-feed');
      const messages = halfHour(tenant, id, b);
      await deliverAll(messages);
      const stored = (await telemetryFacts(tenant, id, [b])).states;
      const { next } = (await admin.get(`/v1/state-changes?since=${iso(Date.now() - HOUR)}&limit=500`)).body;

      // Act: IoT Core redelivers the state messages (QoS 1), seconds later.
      await deliverAll(messages.filter((e) => e.type === 'state').map((e) => ({ ...e, receivedAt: e.receivedAt + 5_000 })));

      // Assess
      const feed = await admin.get(`/v1/state-changes?since=${encodeURIComponent(next)}`);
      assert.deepEqual(feed.body.items, [], 'the feed shows each state change once');
      assert.deepEqual((await telemetryFacts(tenant, id, [b])).states, stored);
    });

    it('counts a message duplicated within its first batch once', async () => {
      // Prepare
      const id = await press('wu-dup-2');
      const messages = halfHour(tenant, id, b);
      // Act
      await deliverAll(messages.flatMap((m) => [m, m]));
      // Assess
      const { oee, downtime, facts } = await figures(id, b, b + 30 * MINUTE);
      assertHalfHour(oee);
      assert.equal(downtime.length, 1);
      assert.equal(facts.states.length, 3);
    });
  });

  describe('reordered and late messages', () => {
    it('puts reordered messages and a late gap in the right place, and the figures correct themselves', async () => {
      // Prepare: a reference unit gets the half hour in order, in one batch; the other gets
      // minutes 0-10 and 20-30 first, in reverse, then minutes 11-19 (with the stop) late, shuffled.
      const reference = await press('wu-order-ref');
      const late = await press('wu-order-late');
      await deliverAll(halfHour(tenant, reference, b));
      const messages = halfHour(tenant, late, b);
      const minute = (e: TelemetryEnvelope) => Math.round((JSON.parse(Buffer.from(e.raw, 'base64').toString()).ts - b) / MINUTE);
      const gap = (e: TelemetryEnvelope) => minute(e) > 10 && minute(e) < 20;
      await deliverAll(...chunks([...messages.filter((e) => !gap(e))].reverse(), 5));
      const beforeLate = await figures(late, b, b + 30 * MINUTE);

      // Act: the gateway comes back with what it buffered, an hour later.
      const buffered = shuffled(messages.filter(gap)).map((e) => ({ ...e, receivedAt: e.receivedAt + HOUR }));
      await deliverAll(...chunks(buffered, 4));

      // Assess: before, the stop was unknown; now it is where it happened, and every figure follows.
      assert.deepEqual(beforeLate.downtime, []);
      assert.equal(beforeLate.oee.downtimeSeconds, 0);
      const after = await figures(late, b, b + 30 * MINUTE);
      assertHalfHour(after.oee);
      assert.deepEqual(
        after.downtime.map((e: Record<string, unknown>) => ({
          start: e.start,
          end: e.end,
          state: e.state,
          seconds: e.seconds,
          machineReasonCode: e.machineReasonCode,
        })),
        [{ start: iso(b + 12 * MINUTE), end: iso(b + 15 * MINUTE), state: 'down', seconds: 180, machineReasonCode: 'E-7' }],
      );
      const ref = await figures(reference, b, b + 30 * MINUTE);
      assert.deepEqual(after.oee, ref.oee);
      assert.deepEqual(comparable(after.facts), comparable(ref.facts), 'the same stored facts as in-order delivery');
    });

    it('takes a message from within the late window, and rejects one older than it or from the future', async () => {
      // Prepare
      const id = await press('wu-window');
      const now = Date.now();
      const u = unit(tenant, id, () => now);
      const withinWindow = u.state(now - 23 * HOUR, 'down', 'E-LATE', 's-late');
      const tooOld = u.state(now - DAY - MINUTE, 'down', 'E-OLD', 's-old');
      const fromTheFuture = u.counts(now + 6 * MINUTE, 5, 0, 'c-future');
      const rejectedBefore = (await rejectedItems(tenant, now)).length;

      // Act
      const failures = await deliver([withinWindow, tooOld, fromTheFuture]);

      // Assess: neither rejection fails the batch; both are kept with their reason and payload.
      assert.deepEqual(failures, []);
      const { states, buckets } = await telemetryFacts(tenant, id, [now - DAY - MINUTE, now - 23 * HOUR, now + 6 * MINUTE]);
      assert.deepEqual(
        states.map((s) => s.msgId),
        ['s-late'],
      );
      // State changes live in their own items only; minute items hold counts and process values.
      assert.deepEqual(Object.keys(buckets), []);
      const rejected = (await rejectedItems(tenant, now)).filter((r) => r.equipmentId === id);
      assert.equal(rejected.length, (await rejectedItems(tenant, now)).length - rejectedBefore);
      const byRaw = new Map(rejected.map((r) => [r.raw, r]));
      assert.match(String(byRaw.get(tooOld.raw)?.reason), /older than the 24 h late window/);
      assert.match(String(byRaw.get(fromTheFuture.raw)?.reason), /ahead of the time it arrived/);
      assert.equal(rejected.length, 2);
      const downtime = await admin.get(`/v1/equipment/${id}/downtime?from=${iso(now - 23 * HOUR)}&to=${iso(now - 23 * HOUR + 10 * MINUTE)}`);
      assert.deepEqual(
        downtime.body.items.map((e: Record<string, unknown>) => [e.start, e.machineReasonCode]),
        [[iso(now - 23 * HOUR), 'E-LATE']],
      );
    });
  });

  describe('invalid messages', () => {
    it('keeps each invalid state message as a rejected-message record and stores the valid ones of the batch', async () => {
      // Prepare: one SQS batch, one valid message among the invalid.
      const id = await press('wu-invalid-state');
      const now = Date.now();
      const valid = envelope(tenant, id, 'state', { ts: now - MINUTE, msgId: 'ok-1', state: 'running' }, now);
      const invalid = {
        notJson: envelope(tenant, id, 'state', '{"ts": 1, "msgId": ', now),
        unknownState: envelope(tenant, id, 'state', { ts: now - MINUTE, msgId: 'bad-1', state: 'exploded' }, now),
        noMsgId: envelope(tenant, id, 'state', { ts: now - MINUTE, state: 'down' }, now),
        badTimestamp: envelope(tenant, id, 'state', { ts: 'yesterday', msgId: 'bad-2', state: 'down' }, now),
        badEquipmentId: envelope(tenant, 'not an id!', 'state', { ts: now - MINUTE, msgId: 'bad-3', state: 'down' }, now),
        emptyBatch: envelope(tenant, id, 'state', { samples: [] }, now),
        // Published by another thing than the topic's unit (a mis-registered thing on AWS), or by no client at all.
        otherTenantsThing: {
          ...envelope(tenant, id, 'state', { ts: now - MINUTE, msgId: 'bad-4', state: 'down' }, now),
          clientId: `${newTenant()}:${id}`,
        },
        otherUnitsThing: {
          ...envelope(tenant, id, 'state', { ts: now - MINUTE, msgId: 'bad-5', state: 'down' }, now),
          clientId: `${tenant}:wu-other`,
        },
        noClientId: { ...envelope(tenant, id, 'state', { ts: now - MINUTE, msgId: 'bad-6', state: 'down' }, now), clientId: undefined },
      };
      const event = sqsEvent([
        invalid.notJson,
        valid,
        invalid.unknownState,
        invalid.noMsgId,
        invalid.badTimestamp,
        invalid.badEquipmentId,
        invalid.emptyBatch,
        invalid.otherTenantsThing,
        invalid.otherUnitsThing,
        invalid.noClientId,
      ]);
      // ...and records that name no tenant: nowhere to keep them, so only logged, never retried.
      event.Records.push({ ...event.Records[0]!, messageId: 'not-an-envelope', body: 'hello' });
      event.Records.push({ ...event.Records[0]!, messageId: 'bad-tenant', body: JSON.stringify({ ...valid, tenantId: 'Not A Tenant' }) });

      // Act
      const reply = await ingestState(event, lambdaContext('ingest-state'));

      // Assess
      assert.deepEqual(reply.batchItemFailures, []);
      const { states } = await telemetryFacts(tenant, id, [now]);
      assert.deepEqual(
        states.map((s) => s.msgId),
        ['ok-1'],
      );
      const rejected = (await rejectedItems(tenant, now)).filter((r) => Object.values(invalid).some((e) => e.raw === r.raw));
      const reasonOf = (e: TelemetryEnvelope) => {
        const found = rejected.filter((r) => r.raw === e.raw);
        assert.equal(found.length, 1, `one rejection for ${Buffer.from(e.raw, 'base64').toString()}`);
        const record = found[0]!;
        assert.equal(record.entity, 'RejectedMessage');
        assert.equal(record.type, e.type);
        assert.equal(record.equipmentId, e.equipmentId);
        assert.equal(record.receivedAt, e.receivedAt);
        assert.ok(Number(record.expiresAt) > now / 1000, 'rejections expire (TTL)');
        return String(record.reason);
      };
      assert.match(reasonOf(invalid.notJson), /not JSON/);
      assert.match(reasonOf(invalid.unknownState), /\/state/);
      assert.match(reasonOf(invalid.noMsgId), /\/msgId/);
      assert.match(reasonOf(invalid.badTimestamp), /\/ts/);
      assert.match(reasonOf(invalid.badEquipmentId), /invalid equipment id/);
      assert.match(reasonOf(invalid.emptyBatch), /samples must be an array/);
      for (const e of [invalid.otherTenantsThing, invalid.otherUnitsThing, invalid.noClientId])
        assert.match(reasonOf(e), /published by client id .*, not by this unit's thing/);
      // The record ids point back at the SQS messages.
      const ids = new Set(event.Records.map((r) => r.messageId));
      for (const r of rejected) assert.ok(ids.has(String(r.recordId)));
    });

    it('keeps the good samples of a gateway batch that holds a bad one, and the rest of the Kinesis batch', async () => {
      // Prepare
      const id = await press('wu-gateway');
      const now = Date.now();
      const t0 = Math.floor((now - 20 * MINUTE) / MINUTE) * MINUTE;
      const u = unit(tenant, id, () => now);
      const gateway = u.batch('counts', [
        { ts: t0, msgId: 'g-0', good: 100, reject: 1 },
        { ts: t0 + MINUTE, msgId: 'g-1', good: -5, reject: 1 }, // negative: no PLC counter does that
        { ts: t0 + 2 * MINUTE, msgId: 'g-2', good: 130, reject: 2 },
      ]);
      const unknownType = envelope(tenant, id, 'alarms', { ts: t0, msgId: 'a-1', alarm: 'E-1' }, now);
      const process = u.process(t0 + 2 * MINUTE, { temperature: 61.5 }, 'p-1');
      const state = u.state(t0, 'running', undefined, 's-1');
      const event = kinesisEvent([unknownType, gateway, process]);

      // Act
      await deliverAll([state]);
      const reply = await ingestMeasurements(event, lambdaContext('ingest-measurements'));

      // Assess
      assert.deepEqual(reply.batchItemFailures, []);
      const oee = await admin.get(`/v1/equipment/${id}/oee?from=${iso(t0)}&to=${iso(t0 + 3 * MINUTE)}`);
      assert.equal(oee.body.goodCount, 30, 'good from the two valid readings');
      assert.equal(oee.body.rejectCount, 1);
      const { buckets } = await telemetryFacts(tenant, id, [t0]);
      assert.deepEqual(Object.keys(buckets).sort(), [iso(t0).slice(0, 16), iso(t0 + 2 * MINUTE).slice(0, 16)]);
      const rejected = (await rejectedItems(tenant, now)).filter((r) => r.equipmentId === id);
      assert.deepEqual(rejected.map((r) => [r.raw === gateway.raw, r.type]).sort(), [
        [false, 'alarms'],
        [true, 'counts'],
      ]);
      assert.match(String(rejected.find((r) => r.type === 'counts')?.reason), /^samples\/1: \/good/);
      assert.match(String(rejected.find((r) => r.type === 'alarms')?.reason), /unknown type "alarms"/);
    });
  });

  describe('counter resets and rollovers', () => {
    it('counts across a rollover at the unit’s counterMax and across a reset', async () => {
      // Prepare: counters that wrap at 9,999 (a 4-digit PLC counter).
      const id = await press('wu-counter-small', { counterMax: 9999 });
      const t0 = b + HOUR;
      const u = unit(tenant, id);
      const readings: [good: number, reject: number][] = [
        [9980, 10],
        [9995, 10], // +15
        [8, 11], // rollover: 9999 - 9995 + 8 + 1 = 13 good; +1 reject
        [20, 11], // +12
        [3, 0], // reset of both (far below the maximum): 3 good since, 0 rejects
        [10, 1], // +7, +1
      ];
      // Act
      await deliverAll(
        [
          u.state(t0, 'running', undefined, 's-0'),
          ...readings.map(([good, reject], m) => u.counts(t0 + m * MINUTE, good, reject, `c-${m}`)),
        ].reverse(),
      );
      // Assess
      const oee = await admin.get(`/v1/equipment/${id}/oee?from=${iso(t0)}&to=${iso(t0 + readings.length * MINUTE)}`);
      assert.equal(oee.body.goodCount, 15 + 13 + 12 + 3 + 7);
      assert.equal(oee.body.rejectCount, 1 + 1);
    });

    it('counts a UDINT counter’s wrap past 2^32 - 1 when the unit names no maximum, and a reset within one minute', async () => {
      // Prepare
      const id = await press('wu-counter-udint');
      const t0 = b + HOUR;
      const u = unit(tenant, id);
      const max = 2 ** 32 - 1;
      const messages = [
        u.state(t0, 'running', undefined, 's-0'),
        u.counts(t0, max - 10, 7, 'c-0'),
        u.counts(t0 + MINUTE, max - 2, 7, 'c-1'), // +8
        u.counts(t0 + 2 * MINUTE, 5, 8, 'c-2'), // wrap: 2 + 5 + 1 = 8 good; +1 reject
        u.counts(t0 + 3 * MINUTE + 10_000, 40, 8, 'c-3'), // +35
        u.counts(t0 + 3 * MINUTE + 30_000, 2, 0, 'c-4'), // reset inside the minute: 2 good, 0 rejects
        u.counts(t0 + 3 * MINUTE + 50_000, 12, 0, 'c-5'), // +10
      ];
      // Act: in two batches, the later minute first.
      await deliverAll(messages.slice(4), messages.slice(0, 4));
      // Assess
      const oee = await admin.get(`/v1/equipment/${id}/oee?from=${iso(t0)}&to=${iso(t0 + 4 * MINUTE)}`);
      assert.equal(oee.body.goodCount, 8 + 8 + 35 + 2 + 10);
      assert.equal(oee.body.rejectCount, 1);
    });
  });

  describe('units and their gateways', () => {
    it("takes a unit's samples that name the unit itself, and a publisher's for the units that name it as their gateway", async () => {
      // Prepare: a line controller (itself a unit) publishes for a station that names it as its gateway.
      const controller = await press('wu-line-ctrl');
      const station = await press('wu-station-1', { gatewayId: controller });
      const t0 = b + 20 * MINUTE;
      // Act
      await deliverAll([
        unit(tenant, controller).batch('counts', [
          { equipmentId: controller, ts: t0, msgId: 'own-1', good: 10, reject: 0 },
          { equipmentId: station, ts: t0, msgId: 'st-1', good: 100, reject: 0 },
          { equipmentId: station, ts: t0 + MINUTE, msgId: 'st-2', good: 130, reject: 2 },
          { ts: t0 + MINUTE, msgId: 'own-2', good: 15, reject: 0 },
        ]),
      ]);
      // Assess
      const own = await figures(controller, t0, t0 + MINUTE);
      const behind = await figures(station, t0, t0 + MINUTE);
      assert.deepEqual([own.oee.goodCount, own.oee.rejectCount], [5, 0]);
      assert.deepEqual([behind.oee.goodCount, behind.oee.rejectCount], [30, 2]);
    });

    it('keeps a refusal once when its batch is retried, and stores nothing of it', async () => {
      // Prepare: a unit that names no gateway, and a gateway that tries to speak for it.
      const id = await press('wu-no-gateway');
      const now = Date.now();
      const refused = envelope(
        tenant,
        'gw-stranger',
        'counts',
        { samples: [{ equipmentId: id, ts: now - MINUTE, msgId: 'x-1', good: 5, reject: 0 }] },
        now,
      );
      // Act: the same record twice, as a retried batch brings it.
      for (let i = 0; i < 2; i++) assert.deepEqual([...(await ingest([refused]))], []);
      // Assess
      const mine = (await rejectedItems(tenant, now)).filter((r) => r.equipmentId === 'gw-stranger');
      assert.equal(mine.length, 1);
      assert.match(String(mine[0]?.reason), /samples\/0: unit wu-no-gateway names no gateway .*not through gw-stranger/);
      assert.deepEqual(await telemetryFacts(tenant, id, [now]), { states: [], buckets: {} });
    });

    it("fails a message for a retry when its units' gateways cannot be read, keeping none of its samples for other units", async () => {
      // Prepare: an ingest whose master data lookup fails.
      const station = await press('wu-station-2', { gatewayId: 'gw-9' });
      const now = Date.now();
      const failing = new TelemetryIngest(
        new DynamoDbTelemetryRepository(),
        { at: async () => undefined },
        {
          gatewaysOf: async () => {
            throw new Error('throttled');
          },
        },
      );
      const body = JSON.stringify(
        envelope(tenant, 'gw-9', 'counts', { samples: [{ equipmentId: station, ts: now - MINUTE, msgId: 'y-1', good: 5, reject: 0 }] }, now),
      );
      const warnings: string[] = [];
      // Act
      const failed = await failing.ingest([{ id: 'r-1', body }], { warn: (m) => void warnings.push(m) });
      // Assess
      assert.deepEqual([...failed], ['r-1']);
      assert.ok(warnings.some((w) => /gateway/.test(w)));
      assert.deepEqual(await telemetryFacts(tenant, station, [now]), { states: [], buckets: {} });
      assert.deepEqual(
        (await rejectedItems(tenant, now)).filter((r) => r.equipmentId === 'gw-9'),
        [],
      );
    });
  });
});

/**
 * Retention and daily rollups (issue 13 §3), against DynamoDB Local:
 * - the plant sets its telemetry retention through /v1/tenant-settings (validated, versioned);
 * - minute items carry the TTL attribute = their minute + the minute retention, day items their
 *   day + the daily retention, an item past its retention already expired;
 * - OEE over several days read from day items equals the figure from minute items, for whole
 *   days, ragged edges, a range over 31 days, and a planned stop added after the rollup (whose
 *   boundary the day items were not cut at: those days are read from minute items again);
 * - the day items are really read: far fewer minute Queries.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuthContext } from '#shared/auth/claims.ts';
import { keys } from '#shared/db/keys.ts';
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import { DynamoDbTelemetryRepository } from '#shared/db/telemetry-repository.ts';
import { DynamoDbWorkOrderRepository } from '#shared/db/work-order-repository.ts';
import { groupOf } from '#shared/telemetry/groups.ts';
import { TelemetryRollup } from '#shared/telemetry/rollup.ts';
import { TelemetryService } from '#shared/telemetry/service.ts';
import type { TelemetryEnvelope } from '#shared/telemetry/messages.ts';
import { type Mes, type Staff, assertProblem, newTenant, staff, startMes } from '../e2e/support/mes.ts';
import { DAY, HOUR, MINUTE, ingestAll, unit } from '../e2e/support/telemetry.ts';
import { testDocClient, testTableName } from '../helpers/ddb.ts';

/** A repository that counts the reads of minute and day items. */
class CountingRepository extends DynamoDbTelemetryRepository {
  minuteQueries = 0;
  dayQueries = 0;
  override buckets(...args: Parameters<DynamoDbTelemetryRepository['buckets']>) {
    this.minuteQueries += Math.ceil((args[3] - Math.floor(args[2] / DAY) * DAY) / DAY);
    return super.buckets(...args);
  }
  override dayBuckets(...args: Parameters<DynamoDbTelemetryRepository['dayBuckets']>) {
    this.dayQueries++;
    return super.dayBuckets(...args);
  }
}

/** Minute items only: what every figure was before day items. */
class MinutesOnlyRepository extends DynamoDbTelemetryRepository {
  override async dayBuckets() {
    return [];
  }
}

const item = async (key: { pk: string; sk: string }) =>
  (await testDocClient().send(new GetCommand({ TableName: testTableName(), Key: key, ConsistentRead: true }))).Item;

describe('telemetry retention and daily rollups', () => {
  let mes: Mes;
  let people: Staff;
  const tenant = newTenant();
  const unitId = 'wu-roll-1';
  const retention = { minuteDays: 40, dailyDays: 500 };
  // Five days of data, 20 days ago: final (rolled up), and their minute items still kept.
  const D0 = Math.floor(Date.now() / DAY) * DAY - 20 * DAY;
  const now = D0 + 8 * DAY;
  const clock = { now: () => new Date(now) };
  const auth: AuthContext = { tenantId: tenant, userId: 'u-test', name: 'Test', roles: ['supervisor'] };
  const masterData = new DynamoDbMasterDataRepository();
  const orders = new DynamoDbWorkOrderRepository();
  const counting = new CountingRepository();
  const fromDays = new TelemetryService(counting, masterData, orders, clock);
  const fromMinutes = new TelemetryService(new MinutesOnlyRepository(), masterData, orders, clock);
  const calendar = {
    timeZone: 'UTC',
    shifts: [
      {
        name: 'early',
        start: '06:00',
        end: '14:00',
        days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
        breaks: [{ start: '10:00', end: '10:15' }],
      },
      {
        name: 'late',
        start: '14:00',
        end: '22:00',
        days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
        breaks: [{ start: '18:07', end: '18:23' }],
      },
    ],
  };

  /**
   * A unit's five days: running in the shifts, a breakdown each day (from 11:20 for 13 + d
   * minutes), counts once a minute at :17 (so no boundary falls on a reading: counts are
   * interpolated across each), 7 good a minute and a reject every 9 minutes while running,
   * a counter reset on day 2 at 15:00, a temperature every 10 minutes.
   */
  function fiveDays(): TelemetryEnvelope[] {
    const messages: TelemetryEnvelope[] = [];
    let good = 500;
    let reject = 0;
    for (let d = 0; d < 5; d++) {
      const day = D0 + d * DAY;
      const u = unit(tenant, unitId, () => 0);
      // Each arrives a minute after its time, as a device that sends at once does.
      const stamp = (e: TelemetryEnvelope, ts: number) => ({ ...e, receivedAt: ts + MINUTE });
      const downFrom = day + 11 * HOUR + 20 * MINUTE;
      const downTo = downFrom + (13 + d) * MINUTE;
      messages.push(stamp(u.state(day + 6 * HOUR, 'running', undefined, `s-${d}-a`), day + 6 * HOUR));
      messages.push(stamp(u.state(downFrom, 'down', 'E-7', `s-${d}-b`), downFrom));
      messages.push(stamp(u.state(downTo, 'running', undefined, `s-${d}-c`), downTo));
      messages.push(stamp(u.state(day + 22 * HOUR, 'idle', undefined, `s-${d}-d`), day + 22 * HOUR));
      for (let m = 6 * 60; m < 22 * 60; m++) {
        const ts = day + m * MINUTE + 17_000;
        if (d === 2 && m === 15 * 60) good = 3;
        else if (!(ts > downFrom && ts < downTo)) {
          good += 7;
          if (m % 9 === 0) reject += 1;
        }
        messages.push(stamp(u.counts(ts, good, reject, `c-${d}-${m}`), ts));
        if (m % 10 === 0) messages.push(stamp(u.process(ts, { temperature: 60 + (m % 7) }, `p-${d}-${m}`), ts));
      }
    }
    return messages;
  }

  before(async () => {
    mes = await startMes();
    people = await staff(mes, tenant);
    await people.admin.ok('PUT', '/v1/tenant-settings', { overrunTolerancePct: 0, telemetryRetention: retention });
    await people.admin.ok('PUT', '/v1/equipment/wc-roll', { name: 'Line', level: 'workCenter', workCenterType: 'productionLine' });
    await people.admin.ok('PUT', `/v1/equipment/${unitId}`, { name: 'Press', level: 'workUnit', parentId: 'wc-roll', idealCycleTimeSeconds: 7 });
    await people.admin.ok('PUT', '/v1/shift-calendar', calendar);
    const messages = fiveDays();
    // Batches of a few minutes each, as the 60 s batching window makes them.
    for (let i = 0; i < messages.length; i += 100) await ingestAll(messages.slice(i, i + 100));
  });

  after(() => mes?.stop());

  it('lets an admin set the retention, validated: a 400 naming the field writes nothing', async () => {
    const stored = await people.admin.ok('GET', '/v1/tenant-settings');
    assert.deepEqual(stored.telemetryRetention, retention);
    const tooShort = await people.admin.put('/v1/tenant-settings', { overrunTolerancePct: 0, telemetryRetention: { minuteDays: 2, dailyDays: 400 } });
    assertProblem(tooShort, 400, { pointers: ['/body/telemetryRetention/minuteDays'] });
    const inverted = await people.admin.put('/v1/tenant-settings', { overrunTolerancePct: 0, telemetryRetention: { minuteDays: 60, dailyDays: 40 } });
    assertProblem(inverted, 400, { pointers: ['/body/telemetryRetention/dailyDays'] });
    assert.deepEqual(await people.admin.ok('GET', '/v1/tenant-settings'), stored, 'nothing written');
    assert.equal((await people.supervisor.put('/v1/tenant-settings', { overrunTolerancePct: 0 })).status, 403);
  });

  it('puts the minute retention on every minute item as its TTL, so an old one has already expired', async () => {
    const minute = D0 + 6 * HOUR;
    const stored = await item(keys.telemetryBucket(tenant, groupOf(unitId), minute));
    assert.equal(stored?.expiresAt, minute / 1000 + retention.minuteDays * 86_400);
    // A sample older than the retention (sent late, within the late window): its item is past its TTL at once.
    const old = Math.floor(Date.now() / MINUTE) * MINUTE - 45 * DAY;
    await ingestAll([{ ...unit(tenant, unitId).counts(old + 5_000, 1, 0, 'c-old'), receivedAt: old + HOUR }]);
    const expired = await item(keys.telemetryBucket(tenant, groupOf(unitId), old));
    assert.equal(expired?.expiresAt, old / 1000 + retention.minuteDays * 86_400);
    assert.ok((expired?.expiresAt as number) < Date.now() / 1000);
  });

  it('rolls final days up into day items with the daily retention, and knows the tenant from its telemetry', async () => {
    const rollup = new TelemetryRollup(new DynamoDbTelemetryRepository(), masterData, clock);
    assert.ok((await new DynamoDbTelemetryRepository().telemetryTenants()).includes(tenant), 'the ingest registered the tenant');
    let written = 0;
    for (let n = 0; n < 10; n++) {
      const days = await rollup.rollUpTenant(tenant);
      if (days === 0) break;
      written += days;
    }
    assert.ok(written > 0);
    const day = await item(keys.telemetryDay(tenant, groupOf(unitId), D0 + 2 * DAY));
    assert.equal(day?.expiresAt, (D0 + 2 * DAY) / 1000 + retention.dailyDays * 86_400);
    const entry = ((day?.units ?? {}) as Record<string, { r: unknown[]; k: number[] }>)[unitId];
    assert.ok(entry, 'the unit has its day');
    assert.ok(entry.r.length < 40, `a day keeps a few readings (${entry.r.length}), not 960`);
    assert.ok(entry.k.includes(D0 + 2 * DAY + 10 * HOUR), 'cut at the break');
    // Rolled up to the last day that can no longer change, and no further.
    assert.ok(await item(keys.telemetryDay(tenant, groupOf(unitId), D0 + 5 * DAY)));
    assert.equal(await item(keys.telemetryDay(tenant, groupOf(unitId), D0 + 6 * DAY)), undefined);
  });

  const ranges: [string, string, string][] = [
    ['whole days', new Date(D0).toISOString(), new Date(D0 + 5 * DAY).toISOString()],
    ['ragged edges', new Date(D0 + 7 * HOUR + 13 * MINUTE + 5_000).toISOString(), new Date(D0 + 4 * DAY + 15 * HOUR + 41 * MINUTE).toISOString()],
    ['over 31 days', new Date(D0 - 30 * DAY).toISOString(), new Date(D0 + 6 * DAY).toISOString()],
  ];
  for (const [what, from, to] of ranges) {
    it(`gives the minute-based OEE from day items: ${what}`, async () => {
      counting.minuteQueries = 0;
      const coarse = await fromDays.equipmentOee(auth, unitId, { from, to });
      const fine = await fromMinutes.equipmentOee(auth, unitId, { from, to });
      assert.deepEqual(coarse, fine);
      assert.ok((coarse.goodCount ?? 0) > 4 * 900, `${coarse.goodCount} good`);
      assert.ok(coarse.availability !== null && coarse.availability < 1 && coarse.performance !== null && coarse.quality !== null);
      assert.ok(counting.minuteQueries <= 4, `${counting.minuteQueries} minute Queries: the whole days came from day items`);
    });
  }

  it('reads the days a later planned stop cuts from minute items again, still the minute-based figure', async () => {
    const [, from, to] = ranges[0]!;
    counting.minuteQueries = 0;
    await fromDays.equipmentOee(auth, unitId, { from, to });
    const before = counting.minuteQueries;
    await people.admin.ok('PUT', '/v1/shift-calendar', {
      ...calendar,
      plannedStops: [
        {
          start: new Date(D0 + 2 * DAY + 8 * HOUR + 37 * MINUTE + 3_000).toISOString(),
          end: new Date(D0 + 2 * DAY + 9 * HOUR).toISOString(),
          reason: 'Trial',
        },
      ],
    });
    counting.minuteQueries = 0;
    const coarse = await fromDays.equipmentOee(auth, unitId, { from, to });
    assert.deepEqual(coarse, await fromMinutes.equipmentOee(auth, unitId, { from, to }));
    assert.ok(counting.minuteQueries > before, `the cut day read from its minute items (${before} -> ${counting.minuteQueries} minute Queries)`);
  });

  it('answers a range over 31 days through the API, and refuses one over the longest retention', async () => {
    const ok = await people.supervisor.get(`/v1/equipment/${unitId}/oee?from=${ranges[2]![1]}&to=${ranges[2]![2]}`);
    assert.equal(ok.status, 200, ok.text);
    const tooLong = await people.supervisor.get(
      `/v1/equipment/${unitId}/oee?from=${new Date(D0 - 4000 * DAY).toISOString()}&to=${new Date(D0).toISOString()}`,
    );
    assertProblem(tooLong, 400, { pointers: ['/query/from'] });
    // What reads minute items only keeps its 31 days.
    const downtime = await people.supervisor.get(`/v1/equipment/${unitId}/downtime?from=${ranges[2]![1]}&to=${ranges[2]![2]}`);
    assertProblem(downtime, 400, { pointers: ['/query/from'] });
  });
});

/**
 * Fair use (issue 17, docs/fair-use.md) over HTTP on DynamoDB Local: a plant over its request
 * limit gets 429 problem+json with Retry-After while another plant at the same moment is not
 * throttled; the bucket refills; an ERP's signed requests count against the credential's plant;
 * and several containers leasing from one plant's bucket at once let no more through than the
 * bucket allows plus the documented lease error. Limits are set as a platform operator sets
 * them (the plant's own, audited), which win over the test runtime's roomy default.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { RequestLimiter } from '#functions/lib/rate-limit.ts';
import { keys } from '#shared/db/keys.ts';
import { rateLimits } from '#shared/db/rate-limit-repository.ts';
import { RateLimitedError } from '#shared/domain/errors.ts';
import { LEASE_LIFETIME_MS, leaseSize, RATE_LIMITED, type RateLimits } from '#shared/domain/fair-use.ts';
import { testDocClient, testTableName } from '../helpers/ddb.ts';
import { Api, as, assertProblem, type Mes, newTenant, type Reply, startMes } from '../e2e/support/mes.ts';

process.env.MES_LOCAL_SECRETS_KEY ??= randomBytes(32).toString('base64');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fair use: per-plant request limits', () => {
  let mes: Mes;

  before(async () => {
    mes = await startMes();
  });
  after(async () => {
    await mes?.stop();
  });

  const plant = async (limits?: RateLimits): Promise<{ tenant: string; admin: Api }> => {
    const tenant = newTenant();
    const admin = await as(mes, tenant, 'u-admin', ['admin']);
    if (limits) await rateLimits.setLimits(tenant, limits, 'platform:u-operator', new Date().toISOString());
    return { tenant, admin };
  };
  const statuses = (replies: Reply[]) => replies.map((r) => r.status);

  it('answers a plant over its limit 429 with Retry-After and plain words, while another plant at the same time is not throttled', async () => {
    const busy = await plant({ requestsPerSecond: 0.5, burst: 3 });
    const quiet = await plant();

    const [busyReplies, quietReplies] = await Promise.all([
      Promise.all(Array.from({ length: 10 }, () => busy.admin.get('/v1/equipment'))),
      Promise.all(Array.from({ length: 10 }, () => quiet.admin.get('/v1/equipment'))),
    ]);

    assert.deepEqual(statuses(quietReplies), Array(10).fill(200), 'the other plant was throttled');
    const passed = busyReplies.filter((r) => r.status === 200);
    const refused = busyReplies.filter((r) => r.status === 429);
    // The burst (3), and at most one more token if the run took more than 2 s.
    assert.ok(passed.length >= 3 && passed.length <= 4, `passed ${passed.length}: ${statuses(busyReplies)}`);
    assert.equal(passed.length + refused.length, 10, String(statuses(busyReplies)));
    for (const reply of refused) {
      assertProblem(reply, 429, { type: RATE_LIMITED });
      const retryAfter = Number(reply.headers.get('retry-after'));
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 2, `Retry-After ${reply.headers.get('retry-after')}`);
      assert.equal(reply.body.retryAfterSeconds, retryAfter);
      assert.deepEqual(reply.body.limits, { requestsPerSecond: 0.5, burst: 3 });
      assert.match(reply.body.detail, /^The plant is sending more requests than its limit .*; try again in \d seconds?\.$/);
    }
  });

  it('refills the bucket: after Retry-After the plant is let through again', async () => {
    const { admin } = await plant({ requestsPerSecond: 2, burst: 1 });
    assert.equal((await admin.get('/v1/equipment')).status, 200);
    const refused = await admin.get('/v1/equipment');
    assertProblem(refused, 429, { type: RATE_LIMITED });
    await sleep(Number(refused.headers.get('retry-after')) * 1000);
    assert.equal((await admin.get('/v1/equipment')).status, 200, 'not let through after Retry-After');
  });

  it("keeps a platform operator's limits on the plant's bucket, each change audited on the plant's chain", async () => {
    const { tenant, admin } = await plant({ requestsPerSecond: 0.1, burst: 1 });
    assert.equal((await admin.get('/v1/equipment')).status, 200);
    assertProblem(await admin.get('/v1/equipment'), 429, { type: RATE_LIMITED });

    await rateLimits.setLimits(tenant, { requestsPerSecond: 0.1, burst: 5 }, 'platform:u-operator', new Date().toISOString());
    const bucket = await rateLimits.get(tenant);
    assert.deepEqual(bucket?.limits, { requestsPerSecond: 0.1, burst: 5 });
    const { Items: audits = [] } = await testDocClient().send(
      new QueryCommand({
        TableName: testTableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :a)',
        ExpressionAttributeValues: { ':pk': keys.rateBucket(tenant).pk, ':a': 'AUDIT#' },
      }),
    );
    assert.deepEqual(
      audits.map((a) => [a.action, a.by, a.changes[0].to.burst]),
      [
        ['rateLimits.set', 'platform:u-operator', 1],
        ['rateLimits.set', 'platform:u-operator', 5],
      ],
    );
    assert.equal(audits[1]?.prevHash, audits[0]?.hash, 'the second record is not chained to the first');
    assert.deepEqual(bucket?.auditHead, { seq: audits[1]?.seq, hash: audits[1]?.hash });
  });

  it("counts an ERP's signed requests against the credential's plant, and never unsigned ones", async () => {
    const { tenant, admin } = await plant();
    const { body: credential } = await admin.post('/v1/integration-credentials', { name: 'ERP' });
    await rateLimits.setLimits(tenant, { requestsPerSecond: 0.1, burst: 1 }, 'platform:u-operator', new Date().toISOString());
    // The tokens this container leased before the change are spent for at most a lease's life (docs/fair-use.md).
    await sleep(LEASE_LIFETIME_MS);
    const anonymous = new Api(mes.baseUrl);
    const send = (secret: string) => {
      const body = JSON.stringify({ type: 'production-order.cancelled', data: { id: `WO-${randomUUID().slice(0, 6)}` } });
      const id = `msg_${randomUUID()}`;
      const at = new Date();
      return anonymous.request('POST', `/v1/integrations/erp/events?credential=${credential.id}`, {
        rawBody: body,
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': new Webhook(secret).sign(id, at, body),
        },
      });
    };
    const forged = `whsec_${randomBytes(24).toString('base64')}`;
    // Unsigned (wrong secret): refused for the signature, spending nothing of the plant's.
    assert.equal((await send(forged)).status, 401);
    const first = await send(credential.secret);
    assert.notEqual(first.status, 429, first.text);
    const second = await send(credential.secret);
    assertProblem(second, 429, { type: RATE_LIMITED });
    assert.ok(Number(second.headers.get('retry-after')) >= 1);
    // The plant's people share its bucket.
    assertProblem(await admin.get('/v1/equipment'), 429, { type: RATE_LIMITED });
  });

  it('lets through no more than the bucket allows when several containers lease from it at once (plus the lease error)', async () => {
    const limits = { requestsPerSecond: 10, burst: 20 };
    const { tenant } = await plant(limits);
    const containers = Array.from({ length: 4 }, () => new RequestLimiter());
    let admitted = 0;
    let refused = 0;
    const started = Date.now();
    // 4 containers, each with 8 requests at a time, for ~1.5 s.
    await Promise.all(
      containers.flatMap((limiter) =>
        Array.from({ length: 8 }, async () => {
          while (Date.now() - started < 1_500) {
            try {
              await limiter.admit(tenant);
              admitted++;
            } catch (error) {
              assert.ok(error instanceof RateLimitedError, String(error));
              refused++;
            }
            await sleep(5);
          }
        }),
      ),
    );
    const seconds = (Date.now() - started) / 1000;
    // docs/fair-use.md: the bucket's bound, burst + rate x window; tokens are only ever taken
    // from the bucket, so leases add nothing above it (an unspent lease only lets fewer through).
    const bound = limits.burst + limits.requestsPerSecond * seconds;
    assert.ok(admitted <= bound, `${admitted} admitted over ${seconds} s, the bucket allows ${bound}`);
    // And fairness the other way: the tenant got most of what it was entitled to. Each container
    // may waste one lease at expiry, each lease lives LEASE_LIFETIME_MS.
    const wasted = containers.length * leaseSize(limits) * Math.ceil((seconds * 1000) / LEASE_LIFETIME_MS);
    assert.ok(admitted >= limits.burst + limits.requestsPerSecond * (seconds - 0.5) - wasted, `only ${admitted} admitted`);
    assert.ok(refused > 0, 'nothing was refused');

    const { Item } = await testDocClient().send(new GetCommand({ TableName: testTableName(), Key: keys.rateBucket(tenant), ConsistentRead: true }));
    assert.ok(Item && Item.tokens >= 0 && Item.tokens < limits.burst, `the bucket: ${JSON.stringify(Item)}`);
  });

  it('lets the request through when the bucket fails (fail open), and tries again a second later', async () => {
    let calls = 0;
    const failing = {
      get: async () => undefined,
      lease: async () => {
        calls++;
        throw new Error('ProvisionedThroughputExceededException');
      },
    };
    let now = 1_000_000;
    const limiter = new RequestLimiter(failing, () => now);
    await limiter.admit('t-any');
    await limiter.admit('t-any');
    assert.equal(calls, 1, 'the failing bucket was asked again within the second');
    now += 1_001;
    await limiter.admit('t-any');
    assert.equal(calls, 2);
  });
});

/** Shards of the measurements stream from the expected load (infra/stream-capacity.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_PROVISIONED_SHARDS, SHARD_BYTES_PER_SECOND, shardsFor } from '../../infra/stream-capacity.ts';
import { parseStreamCapacity } from '../../infra/stacks/mes-stacks.ts';

describe('stream capacity', () => {
  it('plans half of a shard per 500 messages a second', () => {
    assert.equal(shardsFor({ units: 0, messagesPerUnitPerSecond: 1 }), 1);
    assert.equal(shardsFor({ units: 200, messagesPerUnitPerSecond: 1 }), 1, 'the 200-unit plant of issue 13');
    assert.equal(shardsFor({ units: 500, messagesPerUnitPerSecond: 1 }), 1);
    assert.equal(shardsFor({ units: 501, messagesPerUnitPerSecond: 1 }), 2);
    assert.equal(shardsFor({ units: 2000, messagesPerUnitPerSecond: 1 }), 4);
    // Gateways: one message a second per 10 units.
    assert.equal(shardsFor({ units: 2000, messagesPerUnitPerSecond: 0.1 }), 1);
  });

  it('plans by bytes when records are large (a gateway batch of many samples)', () => {
    const recordBytes = 8 * 1024;
    const shards = shardsFor({ units: 100, messagesPerUnitPerSecond: 1, recordBytes });
    assert.equal(shards, Math.ceil((100 * recordBytes) / (SHARD_BYTES_PER_SECOND / 2)));
  });

  it('goes on-demand past the provisioned limit, and refuses nonsense', () => {
    assert.equal(shardsFor({ units: 500 * (MAX_PROVISIONED_SHARDS + 1), messagesPerUnitPerSecond: 1 }), 'on-demand');
    assert.throws(() => shardsFor({ units: -1, messagesPerUnitPerSecond: 1 }));
    assert.throws(() => shardsFor({ units: Number.NaN, messagesPerUnitPerSecond: 1 }));
  });

  it('reads the CDK context: a shard count wins, else the expected load, else one shard', () => {
    assert.equal(parseStreamCapacity(undefined), 1);
    assert.equal(parseStreamCapacity('2', { units: '5000' }), 2);
    assert.equal(parseStreamCapacity(undefined, { units: '5000' }), 10);
    assert.equal(parseStreamCapacity(undefined, { units: 5000, messageRate: '0.1' }), 1);
    assert.throws(() => parseStreamCapacity(undefined, { units: 'many' }), /mes:telemetryUnits/);
  });
});

/**
 * Writes a unit's entry of a plant's live view directly, with the shape agreed for issue 13
 * (pk `{tenantId}#LIVE`, sk `UNIT#{equipmentId}`, `unit` = the UnitLiveState, `at` = epoch ms of
 * the change), as the live view's writers do: what the live feed publishes from.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LiveUnitChange } from '../../shared/telemetry/live-feed.ts';

type UnitLiveState = LiveUnitChange['unit'];
import { testDocClient, testTableName } from './ddb.ts';

export async function writeLiveEntry(tenantId: string, unit: UnitLiveState, at: number, extra: Record<string, unknown> = {}): Promise<void> {
  await testDocClient().send(
    new PutCommand({ TableName: testTableName(), Item: { pk: `${tenantId}#LIVE`, sk: `UNIT#${unit.equipmentId}`, unit, at, ...extra } }),
  );
}

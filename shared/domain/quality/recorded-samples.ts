/**
 * Recorded data as SPC samples (issue 15): a report or completion that records numeric values of
 * a routing operation writes each as a one-value sample of `data:{routingId}:{seq}:{name}`, in
 * the report's own transaction. The subgroup id names the order, operation and the order version
 * the report made, so a value on a chart leads back to the report.
 */
import { dataCharacteristicId, type SpcSample } from './spc-model.ts';

interface RecordingOperation {
  seq: number;
  dataToRecord: readonly { name: string; type: string }[];
}

export function recordedSamples(
  order: { id: string; routingId: string; version: number },
  op: RecordingOperation,
  data: Record<string, number | string | boolean> | undefined,
  at: string,
): SpcSample[] {
  if (!data) return [];
  return op.dataToRecord.flatMap((d) => {
    const value = data[d.name];
    if (d.type !== 'number' || typeof value !== 'number' || !Number.isFinite(value)) return [];
    return [
      {
        characteristicId: dataCharacteristicId(order.routingId, op.seq, d.name),
        subgroupId: `${order.id}~${op.seq}~${order.version}`,
        at,
        values: [value],
        workOrderId: order.id,
        seq: op.seq,
      },
    ];
  });
}

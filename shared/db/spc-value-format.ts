/**
 * How a characteristic's values are packed (issue 15, docs/spc.md "Charts and storage"): one
 * item per characteristic and UTC hour, a list with one short tuple per sample (subgroup):
 * `[ms from the hour's start, subgroupId, [values], workOrderId?, seq?]`. Attribute names and the
 * hour are not repeated per value (compare telemetry-bucket-format.ts), so a subgroup of 5 costs
 * about 40 to 60 bytes and a 30-day chart reads few Query pages. Samples are appended with
 * list_append, so writers in other transactions never read the item first.
 * Only the SPC repository reads and writes it: everything above it sees SpcSample.
 */
import type { SpcSample } from '../domain/quality/spc-model.ts';

export type SampleTuple = [number, string, number[]] | [number, string, number[], string, number];

const HOUR_MS = 3_600_000;

/** The UTC hour a time falls in, as the sort key's suffix: `2026-01-31T07`. */
export const hourOf = (at: string) => new Date(at).toISOString().slice(0, 13);
export const hourStart = (hour: string) => Date.parse(`${hour}:00:00.000Z`);

export function toTuple(sample: SpcSample): SampleTuple {
  const t = Date.parse(sample.at);
  const offset = t - Math.floor(t / HOUR_MS) * HOUR_MS;
  return sample.workOrderId !== undefined
    ? [offset, sample.subgroupId, [...sample.values], sample.workOrderId, sample.seq ?? 0]
    : [offset, sample.subgroupId, [...sample.values]];
}

export function fromTuple(characteristicId: string, hour: string, tuple: SampleTuple): SpcSample {
  const [offset, subgroupId, values, workOrderId, seq] = tuple;
  return {
    characteristicId,
    subgroupId,
    at: new Date(hourStart(hour) + Number(offset)).toISOString(),
    values: values.map(Number),
    ...(workOrderId !== undefined ? { workOrderId, ...(seq ? { seq: Number(seq) } : {}) } : {}),
  };
}

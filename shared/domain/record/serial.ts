/**
 * A serial's device history record narrows its order's record to what concerns the unit: the
 * order, every operation (the unit passed them all) with what was consumed, the inspections,
 * nonconformances naming the serial or the whole order (none naming another serial or a lot it
 * is not in), holds, corrections and signatures. The exceptions are those of what remains.
 */
import type { SerialUnit } from '../tracking/model.ts';
import { exceptionsOf } from './exceptions.ts';
import type { BatchRecord } from './model.ts';

export function narrowToSerial(record: BatchRecord, serial: SerialUnit): BatchRecord {
  const nonconformances = record.nonconformances.filter(
    (nc) => nc.serialId === serial.id || (nc.serialId === undefined && (nc.lotId === undefined || nc.lotId === serial.lotId)),
  );
  const narrowed = {
    ...record,
    produced: { lots: record.produced.lots.filter((l) => l.id === serial.lotId), serials: [serial.id] },
    nonconformances,
  };
  return { ...narrowed, exceptions: exceptionsOf(narrowed) };
}

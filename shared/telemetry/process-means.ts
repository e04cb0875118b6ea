/**
 * A machine's process value as minute means, for the SPC chart of `proc:{unitId}:{name}`
 * (issue 15): the unit's group's minute items over the window (one Query per UTC day), each
 * minute's aggregate sum / count. A minute without samples of the value makes no point.
 */
import type { ProcessMinuteReader } from '../domain/quality/spc-service.ts';
import type { TelemetryRepository } from '../domain/telemetry/repository.ts';
import { groupOf } from './groups.ts';

export class TelemetryProcessMeans implements ProcessMinuteReader {
  constructor(private readonly telemetry: Pick<TelemetryRepository, 'buckets'>) {}

  async processMeans(tenantId: string, unitId: string, name: string, from: number, to: number) {
    const buckets = await this.telemetry.buckets(tenantId, groupOf(unitId), from, to);
    return buckets
      .flatMap((b) => {
        const a = b.units[unitId]?.process[name];
        return a && a.count > 0 ? [{ at: b.minute, mean: a.sum / a.count, count: a.count }] : [];
      })
      .sort((x, y) => x.at - y.at);
  }
}

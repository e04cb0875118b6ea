/**
 * The SPC service (issue 15, docs/spc.md "Charts and storage"): a characteristic's chart over a
 * window, and freezing its baseline. Talks to the SPC repository (shared/db/spc-repository.ts)
 * and master data through ports; the statistics are the pure library's (spc.ts).
 */
import type { AuthContext } from '../../auth/claims.ts';
import type { Baseline, FreezeBaselineInput, SpcChart, SpcChartView } from './spc-model.ts';

export interface ChartRequest {
  from?: string | undefined;
  to?: string | undefined;
  chart?: SpcChart | 'imr' | undefined;
  subgroupSize?: number | undefined;
}

export class SpcService {
  async chart(_auth: AuthContext, _id: string, _request: ChartRequest): Promise<SpcChartView> {
    throw new Error('not implemented yet');
  }

  async freezeBaseline(_auth: AuthContext, _id: string, _input: Omit<FreezeBaselineInput, 'chart'> & { chart: SpcChart | 'imr' }): Promise<Baseline> {
    throw new Error('not implemented yet');
  }
}

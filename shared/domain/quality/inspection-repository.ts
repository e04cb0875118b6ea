/** The port the inspection service talks to for results; shared/db/inspection-repository.ts implements it on DynamoDB. */
import type { CommandResult } from '../work-order/model.ts';
import type { InspectionRecord } from './inspections.ts';
import type { SpcWrites } from './spc-repository.ts';

export interface InspectionRepository {
  /**
   * The recorded attempts of an order's inspections (only operation `seq`'s when given), in
   * the order's item collection: one strongly consistent Query (more pages only past 1 MB).
   */
  results(tenantId: string, workOrderId: string, seq?: number): Promise<InspectionRecord[]>;
  /**
   * The order's command result (header, the operation's inspection progress, audit record,
   * `inspection.recorded` event) and the attempt's record in ONE TransactWriteItems; the record
   * must not exist yet; with `spc`, the attempt's SPC samples, monitors' states and violation
   * events (issue 15) too. Throws VersionConflictError when the order or a monitor's state
   * changed meanwhile.
   */
  commit(tenantId: string, result: CommandResult, record: InspectionRecord, spc?: SpcWrites): Promise<void>;
}

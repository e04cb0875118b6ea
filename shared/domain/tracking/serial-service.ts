/**
 * Serial use cases (issue 14): read the serial, run the pure command (serials.ts), commit its
 * change in one transaction; read and decide again when another write came first (retry.ts).
 */
import { v7 as uuidv7 } from 'uuid';
import type { AuthContext } from '../../auth/claims.ts';
import { type Clock, systemClock } from '../clock.ts';
import { NotFoundError, StaleVersionError } from '../errors.ts';
import { runCommand } from '../retry.ts';
import type { SerialUnit } from './model.ts';
import {
  holdSerial,
  releaseSerial,
  type SerialAggregate,
  type SerialChange,
  type SerialContext,
  type SerialRepository,
  shipSerial,
} from './serials.ts';

export const toSerial = ({ eventSeq: _, ...serial }: SerialAggregate): SerialUnit => serial;

/** Serial use cases: read, run the pure command, commit; again when another write came first (retry.ts). */
export class SerialService {
  constructor(
    private readonly serials: SerialRepository,
    private readonly clock: Clock = systemClock,
  ) {}

  context(auth: AuthContext): SerialContext {
    return {
      tenantId: auth.tenantId,
      actor: { userId: auth.userId, name: auth.name, roles: auth.roles },
      now: this.clock.now().toISOString(),
      newId: uuidv7,
    };
  }

  hold = (auth: AuthContext, id: string, reason: string, v?: number) => this.act(auth, id, v, (ctx, s) => holdSerial(ctx, s, reason));
  release = (auth: AuthContext, id: string, comment?: string, v?: number) => this.act(auth, id, v, (ctx, s) => releaseSerial(ctx, s, comment));
  ship = (auth: AuthContext, id: string, input: { reference?: string | undefined; comment?: string | undefined }, v?: number) =>
    this.act(auth, id, v, (ctx, s) => shipSerial(ctx, s, input));

  private act(auth: AuthContext, id: string, v: number | undefined, command: (ctx: SerialContext, serial: SerialAggregate) => SerialChange) {
    return runCommand(auth.tenantId, `serial/${id}`, v, async () => {
      const serial = await this.serials.get(auth.tenantId, id);
      if (!serial) throw new NotFoundError(`serial number ${id}`);
      if (v !== undefined && serial.version !== v) {
        const error = new StaleVersionError(`serial ${id} is at version ${serial.version}, not ${v}; reload it and try again`);
        error.change = { changedBy: serial.updatedBy, changedAt: serial.updatedAt, currentStatus: serial.status, currentVersion: serial.version };
        throw error;
      }
      const change = command(this.context(auth), serial);
      await this.serials.commit(auth.tenantId, change);
      return toSerial(change.after);
    });
  }
}

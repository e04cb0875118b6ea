/**
 * Labor use cases (issue 18, docs/labor.md): clock on and off operations (alone or as a crew),
 * indirect activities with a reason, and the reads that split time fairly. Speaks only to
 * repository ports.
 */
import { v7 as uuidv7 } from 'uuid';
import type { AuthContext } from '../../auth/claims.ts';
import { type Clock, systemClock } from '../clock.ts';
import { ForbiddenError, IllegalTransitionError, NotFoundError, UnknownReferenceError, ValidationError } from '../errors.ts';
import type { MasterDataRepository } from '../master-data/repository.ts';
import { assertActiveReason, reasonListOf } from '../master-data/reason-lists.ts';
import { passAllGate, type QualificationGate, type QualificationOverride } from '../qualifications/gate.ts';
import { type PersonnelLinkLookup, personnelIdOf } from '../qualifications/person.ts';
import { runCommand } from '../retry.ts';
import type { ShiftCalendar } from '../telemetry/shifts.ts';
import { summary } from '../work-order/commands.ts';
import type { Operation, WorkOrderAggregate } from '../work-order/model.ts';
import type { WorkOrderRepository } from '../work-order/repository.ts';
import {
  type LaborEntry,
  type LaborHead,
  type LaborKind,
  type LaborRepository,
  type LaborWrite,
  MAX_CREW,
  MAX_INDIRECT_CREW,
  transactionsOf,
} from './model.ts';
import { fairSplit, minutes } from './split.ts';

export interface ClockOnInput {
  personnelIds?: string[] | undefined;
  kind?: LaborKind | undefined;
  qualificationOverride?: QualificationOverride | undefined;
}
export interface ClockOffInput {
  personnelIds?: string[] | undefined;
}
export interface IndirectOnInput {
  reasonCode: string;
  personnelIds?: string[] | undefined;
}

/** What a clock-on or clock-off leaves: each person moved and what they are on now. */
export interface LaborStatus {
  people: { personnelId: string; personName: string; open: LaborEntry[] }[];
}

/** Roles that may clock others on and off, and read anyone's labor. */
const LEADS = ['supervisor', 'admin'] as const;
const READERS = ['supervisor', 'admin', 'planner'] as const;
/** Entries are found by start: one that started up to this long before a window is still counted in it. */
export const LOOKBACK_MS = 7 * 86_400_000;

const has = (auth: AuthContext, roles: readonly string[]) => auth.roles.some((r) => roles.includes(r));

export class LaborService {
  constructor(
    private readonly labor: LaborRepository,
    private readonly orders: Pick<WorkOrderRepository, 'get'>,
    private readonly masterData: Pick<MasterDataRepository, 'get' | 'getMany'>,
    private readonly clock: Clock = systemClock,
    private readonly gate: QualificationGate = passAllGate,
    private readonly linkOf: PersonnelLinkLookup = async () => undefined,
  ) {}

  /** The caller's own personnel id (the shared contract, i18-qual's personnelIdOf). */
  self(auth: AuthContext) {
    return personnelIdOf(auth, this.linkOf);
  }

  /** The people a command moves: those named (leads only, unless it is the caller alone), else the caller. */
  private async crew(auth: AuthContext, named: string[] | undefined, max = MAX_CREW): Promise<{ ids: string[]; names: Map<string, string> }> {
    const me = await this.self(auth);
    const ids = named?.length ? [...new Set(named)] : [me];
    if (ids.length > max) {
      throw new ValidationError([{ pointer: '/body/personnelIds', detail: `at most ${max} people at once (${ids.length} given)` }]);
    }
    if (ids.some((id) => id !== me) && !has(auth, LEADS)) {
      throw new ForbiddenError('only a supervisor or an admin clocks other people on or off; leave personnelIds out to clock yourself');
    }
    const found = new Map((await this.masterData.getMany(auth.tenantId, 'personnel', ids)).map((p) => [p.id, p]));
    const names = new Map<string, string>();
    const errors = ids.flatMap((id, i) => {
      const person = found.get(id);
      if (person?.active === false) return [{ pointer: `/body/personnelIds/${i}`, detail: `${person.name} (${id}) is not active` }];
      if (person) names.set(id, person.name);
      // The caller may have no personnel record (a user who is no person of the plant's list): named by their sign-in.
      else if (id === me) names.set(id, auth.name || id);
      else return [{ pointer: `/body/personnelIds/${i}`, detail: `person ${id} does not exist` }];
      return [];
    });
    if (errors.length) throw new UnknownReferenceError(errors);
    return { ids, names };
  }

  private async orderAndOperation(auth: AuthContext, workOrderId: string, seq: number) {
    const order = await this.orders.get(auth.tenantId, workOrderId);
    if (!order) throw new NotFoundError(`work order ${workOrderId}`);
    const op = order.operations.find((o) => o.seq === seq);
    if (!op) throw new NotFoundError(`operation ${seq} of work order ${workOrderId}`);
    return { order, op };
  }

  /**
   * Clock on an operation. READY takes setup only (an operator sets up before the operation
   * starts); RUNNING and PAUSED take any kind; the order must be released or in progress.
   * The crew's qualifications pass the gate first.
   */
  clockOn(auth: AuthContext, workOrderId: string, seq: number, input: ClockOnInput): Promise<LaborStatus> {
    return runCommand(auth.tenantId, `labor/${workOrderId}/${seq}`, undefined, async () => {
      const [{ order, op }, crew] = await Promise.all([this.orderAndOperation(auth, workOrderId, seq), this.crew(auth, input.personnelIds)]);
      const kind = input.kind ?? (op.status === 'READY' ? 'setup' : op.rework ? 'rework' : 'run');
      assertClockable(order, op, kind);
      const gate = await this.gate.check(
        auth,
        // The requirements (the routing operation's, its unit's, its documents' trainings) were copied
        // onto the operation at release: the gate reads only the people, and nothing when none is required.
        { workOrderId, seq, personnelIds: crew.ids, requirements: op.qualifications ?? [] },
        input.qualificationOverride,
      );
      const heads = await this.labor.heads(auth.tenantId, crew.ids);
      const now = this.clock.now().toISOString();
      const signature = gate.overrideReason ? gate.signature : undefined;
      const writes = crew.ids.map((p) => {
        const head = heads.get(p);
        // A supervisor's accepted override, for each person who lacked something: on the entry, audited, an event.
        const missing = signature ? gate.missing.filter((m) => m.personnelId === p) : [];
        const overridden = signature && missing.length ? { signature, reason: gate.overrideReason as string, missing } : undefined;
        const already = head?.open.find((e) => e.workOrderId === workOrderId && e.seq === seq);
        if (already) {
          throw new IllegalTransitionError(
            `${crew.names.get(p)} is already on operation ${seq} (${op.name}) of ${workOrderId} since ${already.startedAt}: clock off first`,
          );
        }
        const entry: LaborEntry = {
          entryId: uuidv7(),
          personnelId: p,
          personName: crew.names.get(p) ?? p,
          workOrderId,
          seq,
          operationName: op.name,
          materialName: order.materialName ?? order.materialId,
          kind,
          startedAt: now,
          startedBy: auth.userId,
          ...(overridden
            ? {
                overriddenBy: overridden.signature.signerId,
                overrideReason: overridden.reason,
                overrideSignatureId: overridden.signature.id,
                overrideMissing: overridden.missing,
              }
            : {}),
        };
        if (!overridden) return this.write(auth, now, head, p, entry.personName, [entry], [], `operation ${seq} of ${workOrderId}`);
        const { signature: s } = overridden;
        return this.write(
          auth,
          now,
          head,
          p,
          entry.personName,
          [entry],
          [],
          `operation ${seq} of ${workOrderId}`,
          `qualification override by ${s.printedName} (${s.signerId}): ${overridden.reason}`,
          [
            {
              type: 'qualification.overridden',
              workOrderId,
              data: {
                ...summary(order),
                seq,
                workCenterId: op.workCenterId,
                name: op.name,
                by: auth.userId,
                personnelId: p,
                personName: entry.personName,
                entryId: entry.entryId,
                overriddenBy: s.signerId,
                overriddenByName: s.printedName,
                reason: overridden.reason,
                signatureId: s.id,
                missing: overridden.missing,
              },
            },
          ],
        );
      });
      await this.labor.commit(auth.tenantId, writes);
      return statusOf(writes);
    });
  }

  /** Clock off an operation: each person's open entry on it ends now. */
  clockOff(auth: AuthContext, workOrderId: string, seq: number, input: ClockOffInput): Promise<LaborStatus> {
    return runCommand(auth.tenantId, `labor/${workOrderId}/${seq}`, undefined, async () => {
      const [{ op }, crew] = await Promise.all([this.orderAndOperation(auth, workOrderId, seq), this.crew(auth, input.personnelIds)]);
      const heads = await this.labor.heads(auth.tenantId, crew.ids);
      const now = this.clock.now().toISOString();
      const writes = crew.ids.map((p) => {
        const head = heads.get(p);
        const open = head?.open.filter((e) => e.workOrderId === workOrderId && e.seq === seq) ?? [];
        if (!head || !open.length) {
          throw new IllegalTransitionError(`${crew.names.get(p)} is not clocked on operation ${seq} (${op.name}) of ${workOrderId}`);
        }
        const closed = open.map((e) => ({ ...e, endedAt: now, endedBy: auth.userId }));
        return this.write(auth, now, head, p, head.personName, [], closed, `operation ${seq} of ${workOrderId}`);
      });
      await this.labor.commit(auth.tenantId, writes);
      return statusOf(writes);
    });
  }

  /**
   * Everyone still on these operations is clocked off (an operation completed, an order
   * cancelled): found through the order's entries, ended at `at`, by the command's author.
   */
  async clockOffOperations(auth: AuthContext, workOrderId: string, seqs: readonly number[], endReason: string): Promise<void> {
    const entries = await this.labor.orderEntries(auth.tenantId, workOrderId);
    const people = [...new Set(entries.filter((e) => !e.endedAt && seqs.includes(e.seq ?? -1)).map((e) => e.personnelId))];
    if (!people.length) return;
    await runCommand(auth.tenantId, `labor/${workOrderId}/close`, undefined, async () => {
      const heads = await this.labor.heads(auth.tenantId, people);
      const now = this.clock.now().toISOString();
      const writes = [...heads.values()].flatMap((head) => {
        const open = head.open.filter((e) => e.workOrderId === workOrderId && seqs.includes(e.seq ?? -1));
        if (!open.length) return [];
        const closed = open.map((e) => ({ ...e, endedAt: now, endedBy: auth.userId, endReason }));
        return [
          this.write(auth, now, head, head.personnelId, head.personName, [], closed, `operations ${seqs.join(', ')} of ${workOrderId}`, endReason),
        ];
      });
      // Each person's write whole, in transactions of at most 100 items: a retry after a conflict
      // finds the people already clocked off closed, and moves only the rest.
      for (const group of transactionsOf(writes)) await this.labor.commit(auth.tenantId, group);
    });
  }

  /** Clock on an indirect activity, with a reason of the plant's `indirect` list; an open indirect one ends (switched). */
  indirectOn(auth: AuthContext, input: IndirectOnInput): Promise<LaborStatus> {
    return runCommand(auth.tenantId, 'labor/indirect', undefined, async () => {
      const [crew, stored] = await Promise.all([
        this.crew(auth, input.personnelIds, MAX_INDIRECT_CREW),
        this.masterData.get(auth.tenantId, 'reason-list', 'indirect'),
      ]);
      const reasons = reasonListOf('indirect', stored);
      assertActiveReason(reasons, input.reasonCode, '/body/reasonCode');
      const reasonName = reasons.reasons.find((r) => r.code === input.reasonCode)?.name ?? input.reasonCode;
      const heads = await this.labor.heads(auth.tenantId, crew.ids);
      const now = this.clock.now().toISOString();
      const writes = crew.ids.map((p) => {
        const head = heads.get(p);
        const name = head?.personName ?? crew.names.get(p) ?? p;
        const closed = (head?.open ?? [])
          .filter((e) => e.reasonCode !== undefined)
          .map((e) => ({ ...e, endedAt: now, endedBy: auth.userId, endReason: 'switched' }));
        const entry: LaborEntry = {
          entryId: uuidv7(),
          personnelId: p,
          personName: name,
          reasonCode: input.reasonCode,
          reasonName,
          startedAt: now,
          startedBy: auth.userId,
        };
        return this.write(auth, now, head, p, name, [entry], closed, `indirect ${input.reasonCode}`);
      });
      await this.labor.commit(auth.tenantId, writes);
      return statusOf(writes);
    });
  }

  /** Clock off the open indirect activity. */
  indirectOff(auth: AuthContext, input: ClockOffInput): Promise<LaborStatus> {
    return runCommand(auth.tenantId, 'labor/indirect', undefined, async () => {
      const crew = await this.crew(auth, input.personnelIds);
      const heads = await this.labor.heads(auth.tenantId, crew.ids);
      const now = this.clock.now().toISOString();
      const writes = crew.ids.map((p) => {
        const head = heads.get(p);
        const open = head?.open.filter((e) => e.reasonCode !== undefined) ?? [];
        if (!head || !open.length) throw new IllegalTransitionError(`${crew.names.get(p)} is not clocked on an indirect activity`);
        const closed = open.map((e) => ({ ...e, endedAt: now, endedBy: auth.userId }));
        return this.write(auth, now, head, p, head.personName, [], closed, `indirect ${open.map((e) => e.reasonCode).join(', ')}`);
      });
      await this.labor.commit(auth.tenantId, writes);
      return statusOf(writes);
    });
  }

  private write(
    auth: AuthContext,
    now: string,
    before: LaborHead | undefined,
    personnelId: string,
    personName: string,
    opened: LaborEntry[],
    closed: LaborEntry[],
    target: string,
    reason?: string,
    more: { type: 'qualification.overridden'; workOrderId: string; data: Record<string, unknown> }[] = [],
  ): LaborWrite {
    const closedIds = new Set(closed.map((e) => e.entryId));
    const open = [...(before?.open ?? []).filter((e) => !closedIds.has(e.entryId)), ...opened];
    const version = (before?.version ?? 0) + 1;
    let seq = before?.eventSeq ?? 0;
    const after: LaborHead = { personnelId, personName, version, eventSeq: seq, open, updatedAt: now, updatedBy: auth.userId };
    const describe = (e: LaborEntry) => (e.reasonCode !== undefined ? `indirect ${e.reasonCode}` : `${e.workOrderId} op ${e.seq} ${e.kind}`);
    const events: LaborWrite['events'] = [
      ...closed.map((e) => ({ type: 'labor.clocked-off' as const, e })),
      ...opened.map((e) => ({ type: 'labor.clocked-on' as const, e })),
    ].map(({ type, e }) => ({
      id: uuidv7(),
      type,
      schemaVersion: 1 as const,
      occurredAt: now,
      tenantId: auth.tenantId,
      personnelId,
      ...(e.workOrderId ? { workOrderId: e.workOrderId } : {}),
      sequence: ++seq,
      data: eventData(e),
    }));
    for (const m of more) {
      events.push({
        id: uuidv7(),
        type: m.type,
        schemaVersion: 1,
        occurredAt: now,
        tenantId: auth.tenantId,
        personnelId,
        workOrderId: m.workOrderId,
        sequence: ++seq,
        data: m.data,
      });
    }
    after.eventSeq = seq;
    return {
      before,
      after,
      opened,
      closed,
      audit: {
        version,
        at: now,
        by: auth.userId,
        action: opened.length ? 'clock-on' : 'clock-off',
        target: `${personName} (${personnelId}): ${target}`,
        ...(reason ? { reason } : {}),
        changes: [{ field: 'open', from: (before?.open ?? []).map(describe), to: open.map(describe) }],
      },
      events,
    };
  }

  // ---------- Reads ----------

  private async calendar(tenantId: string): Promise<ShiftCalendar | undefined> {
    const stored = await this.masterData.get(tenantId, 'shift-calendar', 'shift-calendar');
    return stored ? ({ timeZone: stored.timeZone, shifts: stored.shifts } as ShiftCalendar) : undefined;
  }

  /** Supervisors, admins and planners read anyone's labor; anyone else only their own (`me` names the caller). */
  async personLabor(auth: AuthContext, id: string, window: { from?: string | undefined; to?: string | undefined }) {
    const me = await this.self(auth);
    const personnelId = id === 'me' ? me : id;
    if (personnelId !== me && !has(auth, READERS)) throw new ForbiddenError('you may read your own labor only; a supervisor reads anyone’s');
    const nowMs = this.clock.now().getTime();
    const to = window.to ? Date.parse(window.to) : nowMs;
    const from = window.from ? Date.parse(window.from) : to - 86_400_000;
    if (!(to > from)) throw new ValidationError([{ pointer: '/query/to', detail: 'must be after from' }]);
    const [heads, stored, calendar] = await Promise.all([
      this.labor.heads(auth.tenantId, [personnelId]),
      this.labor.personEntries(auth.tenantId, personnelId, new Date(from - LOOKBACK_MS).toISOString(), new Date(to).toISOString()),
      this.calendar(auth.tenantId),
    ]);
    const head = heads.get(personnelId);
    // Another tenant's person, like one that does not exist, is not found (the caller always is).
    if (!head && personnelId !== me && !(await this.masterData.get(auth.tenantId, 'personnel', personnelId))) {
      throw new NotFoundError(`person ${personnelId}`);
    }
    const byId = new Map(stored.map((e) => [e.entryId, e]));
    // An entry open longer than the look-back is still on the head.
    for (const e of head?.open ?? []) if (!byId.has(e.entryId)) byId.set(e.entryId, e);
    // One left open on an operation completed since (an order cancelled) ends then, as the order's read ends it.
    const openOn = [...new Set([...byId.values()].flatMap((e) => (!e.endedAt && e.workOrderId !== undefined ? [e.workOrderId] : [])))];
    const orders = new Map((await Promise.all(openOn.map((o) => this.orders.get(auth.tenantId, o)))).flatMap((o) => (o ? [[o.id, o] as const] : [])));
    const endOf = completedEnd(orders);
    const allocations = fairSplit([...byId.values()], { from, to, now: nowMs, calendar, endOf }).filter((a) => a.ms > 0);
    const totals = new Map<
      string,
      { workOrderId?: string; seq?: number; operationName?: string; kind?: LaborKind; reasonCode?: string; reasonName?: string; ms: number }
    >();
    const shifts = new Map<string, { ms: number; direct: number; indirect: number }>();
    for (const a of allocations) {
      const e = a.entry;
      const key = e.reasonCode !== undefined ? `I#${e.reasonCode}` : `O#${e.workOrderId}#${e.seq}#${e.kind}`;
      const t = totals.get(key) ?? {
        ...(e.reasonCode !== undefined
          ? { reasonCode: e.reasonCode, reasonName: e.reasonName ?? e.reasonCode }
          : { workOrderId: e.workOrderId as string, seq: e.seq as number, operationName: e.operationName ?? '', kind: e.kind as LaborKind }),
        ms: 0,
      };
      t.ms += a.ms;
      totals.set(key, t);
      for (const [shift, ms] of a.byShift) {
        const s = shifts.get(shift) ?? { ms: 0, direct: 0, indirect: 0 };
        s.ms += ms;
        if (e.reasonCode !== undefined) s.indirect += ms;
        else s.direct += ms;
        shifts.set(shift, s);
      }
    }
    const list = [...totals.values()].map(({ ms, ...t }) => ({ ...t, minutes: minutes(ms) }));
    return {
      personnelId,
      personName: head?.personName ?? stored[0]?.personName ?? personnelId,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      open: (head?.open ?? []).filter((e) => endOf(e) === undefined),
      entries: allocations
        .map((a) => ({ ...a.entry, minutes: minutes(a.ms) }))
        .sort((x, y) => (x.startedAt < y.startedAt ? -1 : x.startedAt > y.startedAt ? 1 : 0)),
      operations: list.filter((t) => t.reasonCode === undefined),
      indirect: list.filter((t) => t.reasonCode !== undefined),
      shifts: [...shifts.entries()].map(([shift, s]) => ({
        shift: shift || null,
        minutes: minutes(s.ms),
        directMinutes: minutes(s.direct),
        indirectMinutes: minutes(s.indirect),
      })),
      totalMinutes: minutes(allocations.reduce((sum, a) => sum + a.ms, 0)),
    };
  }

  /**
   * An order's labor per operation and person, split by kind, against the standard (the
   * routing's setup time, and its standard time per unit times the order's quantity). Each
   * person's share needs their other entries at the time: one Query per person.
   */
  async orderLabor(auth: AuthContext, workOrderId: string) {
    const [order, entries] = await Promise.all([this.orders.get(auth.tenantId, workOrderId), this.labor.orderEntries(auth.tenantId, workOrderId)]);
    if (!order) throw new NotFoundError(`work order ${workOrderId}`);
    const nowMs = this.clock.now().getTime();
    const endOf = completedEnd(new Map([[order.id, order]]));
    const people = [...new Set(entries.map((e) => e.personnelId))];
    const shares = new Map<string, number>();
    await Promise.all(
      people.map(async (p) => {
        const mine = entries.filter((e) => e.personnelId === p);
        const from = Math.min(...mine.map((e) => Date.parse(e.startedAt)));
        const to = Math.max(...mine.map((e) => (e.endedAt ? Date.parse(e.endedAt) : nowMs)));
        const all = await this.labor.personEntries(auth.tenantId, p, new Date(from - LOOKBACK_MS).toISOString(), new Date(to).toISOString());
        for (const a of fairSplit(all, { from, to: Math.max(to, from + 1), now: nowMs, endOf })) {
          if (a.entry.workOrderId === workOrderId) shares.set(a.entry.entryId, a.ms);
        }
      }),
    );
    const operations = order.operations.map((op) => {
      const opEntries = entries.filter((e) => e.seq === op.seq);
      const byPerson = new Map<string, { personnelId: string; personName: string; setup: number; run: number; rework: number }>();
      for (const e of opEntries) {
        const row = byPerson.get(e.personnelId) ?? { personnelId: e.personnelId, personName: e.personName, setup: 0, run: 0, rework: 0 };
        row[e.kind ?? 'run'] += shares.get(e.entryId) ?? 0;
        byPerson.set(e.personnelId, row);
      }
      const rows = [...byPerson.values()];
      const sum = (k: LaborKind) => rows.reduce((s, r) => s + r[k], 0);
      return {
        seq: op.seq,
        name: op.name,
        status: op.status,
        standardSetupMinutes: minutes((op.setupTimeSeconds ?? 0) * 1000),
        standardRunMinutes: minutes((op.standardTimeSeconds ?? 0) * 1000 * (op.rework?.quantity ?? order.quantity)),
        actualSetupMinutes: minutes(sum('setup')),
        actualRunMinutes: minutes(sum('run')),
        actualReworkMinutes: minutes(sum('rework')),
        onNow: opEntries
          .filter((e) => !e.endedAt && endOf(e) === undefined)
          .map((e) => ({ personnelId: e.personnelId, personName: e.personName, kind: e.kind ?? 'run', since: e.startedAt })),
        people: rows.map((r) => ({
          personnelId: r.personnelId,
          personName: r.personName,
          setupMinutes: minutes(r.setup),
          runMinutes: minutes(r.run),
          reworkMinutes: minutes(r.rework),
        })),
      };
    });
    return { workOrderId, quantity: order.quantity, operations };
  }

  /** Who is on what now: everyone with an open entry, with the operation's and material's names. */
  async active(auth: AuthContext) {
    const heads = await this.labor.active(auth.tenantId);
    const ids = [...new Set(heads.flatMap((h) => h.open.flatMap((e) => (e.workOrderId ? [e.workOrderId] : []))))];
    const orders = new Map((await Promise.all(ids.map((id) => this.orders.get(auth.tenantId, id)))).flatMap((o) => (o ? [[o.id, o] as const] : [])));
    const endOf = completedEnd(orders);
    return {
      people: heads
        .map((h) => ({
          personnelId: h.personnelId,
          personName: h.personName,
          // An operation that completed meanwhile has clocked them off (docs/labor.md).
          on: h.open
            .filter((e) => endOf(e) === undefined)
            .map((e) => ({
              entryId: e.entryId,
              since: e.startedAt,
              ...(e.reasonCode !== undefined
                ? { reasonCode: e.reasonCode, reasonName: e.reasonName ?? e.reasonCode }
                : {
                    workOrderId: e.workOrderId as string,
                    seq: e.seq as number,
                    kind: e.kind ?? 'run',
                    operationName: e.operationName ?? '',
                    materialName: e.materialName ?? '',
                    workCenterId: orders.get(e.workOrderId as string)?.operations.find((o) => o.seq === e.seq)?.workCenterId,
                  }),
            })),
        }))
        .filter((p) => p.on.length)
        .sort((a, b) => a.personName.localeCompare(b.personName)),
    };
  }
}

/** An entry on an operation that is DONE (or an order cancelled) ends then at the latest. */
function completedEnd(orders: ReadonlyMap<string, WorkOrderAggregate>) {
  return (e: LaborEntry): number | undefined => {
    if (e.workOrderId === undefined) return undefined;
    const order = orders.get(e.workOrderId);
    const op = order?.operations.find((o) => o.seq === e.seq);
    if (op?.status === 'DONE' && op.completedAt) return Date.parse(op.completedAt);
    if (order?.status === 'CANCELLED' && order.cancelledAt) return Date.parse(order.cancelledAt);
    return undefined;
  };
}

function assertClockable(order: WorkOrderAggregate, op: Operation, kind: LaborKind) {
  const where = `operation ${op.seq} (${op.name}) of ${order.id}`;
  if (order.status !== 'RELEASED' && order.status !== 'IN_PROGRESS') {
    throw new IllegalTransitionError(`work order ${order.id} is ${order.status.toLowerCase().replace('_', ' ')}: nobody clocks on it now`);
  }
  if (op.status === 'READY' && kind !== 'setup') {
    throw new IllegalTransitionError(`${where} has not started: clock on for setup, or start it first`);
  }
  if (op.status === 'PENDING') throw new IllegalTransitionError(`${where} is not ready yet: the operations before it are not done`);
  if (op.status === 'DONE') throw new IllegalTransitionError(`${where} is done: nobody clocks on it any more`);
}

function eventData(e: LaborEntry) {
  return {
    entryId: e.entryId,
    personnelId: e.personnelId,
    personName: e.personName,
    ...(e.workOrderId !== undefined ? { workOrderId: e.workOrderId, seq: e.seq, kind: e.kind } : {}),
    ...(e.reasonCode !== undefined ? { reasonCode: e.reasonCode } : {}),
    startedAt: e.startedAt,
    ...(e.endedAt ? { endedAt: e.endedAt } : {}),
    ...(e.endReason ? { endReason: e.endReason } : {}),
    ...(e.overriddenBy
      ? { overriddenBy: e.overriddenBy, overrideReason: e.overrideReason, overrideSignatureId: e.overrideSignatureId, missing: e.overrideMissing }
      : {}),
    by: e.endedBy ?? e.startedBy,
  };
}

const statusOf = (writes: readonly LaborWrite[]): LaborStatus => ({
  people: writes.map((w) => ({ personnelId: w.after.personnelId, personName: w.after.personName, open: w.after.open })),
});

/**
 * Multi-site organizations (issue 17; docs/organizations.md). An organization groups plants
 * (tenants); its users read across them and its admins publish master data templates to them.
 *
 * - Membership is read from the organization record, never from the request.
 * - Every read of a plant runs in that plant's tenant scope (`withTenantScope`) and through the
 *   plant's own read side (the live view, the OEE, the genealogy): read, never copied.
 * - A template is published through each plant's own master data service: a new version of the
 *   plant's record, with the plant's own chained audit record, whose changes name the template
 *   and its version (`publishedFrom`).
 */
import type { AuthContext } from '../../auth/claims.ts';
import { type Clock, systemClock } from '../clock.ts';
import { MesError, NotFoundError, StaleVersionError, UnknownReferenceError, ValidationError } from '../errors.ts';
import type { MasterDataInputs, MasterDataKind } from '../master-data/model.ts';
import { REASON_LISTS, type ReasonListName } from '../master-data/reason-lists.ts';
import type { MasterDataService } from '../master-data/service.ts';
import { orgIdOf, orgTenantOf } from '../roles.ts';
import type { GenealogyService } from '../tracking/genealogy.ts';
import type { LotRepository } from '../tracking/lot-repository.ts';
import type { MaterialLot } from '../tracking/model.ts';
import { diff } from '../work-order/diff.ts';

export interface StoredOrganization {
  id: string;
  name: string;
  plants: string[];
  version: number;
  updatedAt: string;
  updatedBy: string;
}

export interface StoredTemplate {
  kind: string;
  id: string;
  content: Record<string, unknown>;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

interface Audit {
  version: number;
  at: string;
  by: string;
  action: string;
  target: string;
  changes: { field: string; from?: unknown; to?: unknown }[];
}

export interface OrganizationRepository {
  get(orgTenant: string): Promise<StoredOrganization | undefined>;
  save(orgTenant: string, next: StoredOrganization, before: StoredOrganization | undefined, audit: Audit): Promise<void>;
  plantNames(plantIds: readonly string[]): Promise<Map<string, string>>;
  getTemplate(orgTenant: string, kind: MasterDataKind, id: string): Promise<StoredTemplate | undefined>;
  saveTemplate(orgTenant: string, kind: MasterDataKind, next: StoredTemplate, before: StoredTemplate | undefined, audit: Audit): Promise<void>;
}

/** What the rollup reads of a plant: its live view and its lines' OEE (the telemetry read side). */
export interface PlantReadSide {
  plantStatus(
    auth: AuthContext,
    query: { workCenterId?: string | undefined },
  ): Promise<{ workCenters: { id: string; name: string }[]; items: { state: string; parentId?: string | undefined }[] }>;
  workCenterOee(
    auth: AuthContext,
    id: string,
    query: { from?: string | undefined; to?: string | undefined; shift?: string | undefined; date?: string | undefined },
  ): Promise<{
    from: string;
    to: string;
    plannedTimeSeconds: number;
    runTimeSeconds: number;
    totalCount: number;
    goodCount: number;
    rejectCount: number;
    idealCycleTimeSeconds: number | null;
  }>;
}

export interface OeeRollup {
  plannedTimeSeconds: number;
  runTimeSeconds: number;
  totalCount: number;
  goodCount: number;
  rejectCount: number;
  idealTimeSeconds: number;
  availability: number | null;
  performance: number | null;
  quality: number | null;
  oee: number | null;
}

/** OEE of figures summed, by the same formulas as one line's (shared/telemetry/service.ts, view). */
export function rollup(parts: readonly Omit<OeeRollup, 'availability' | 'performance' | 'quality' | 'oee'>[]): OeeRollup {
  const sum = (f: (p: (typeof parts)[number]) => number) => parts.reduce((a, p) => a + f(p), 0);
  const planned = sum((p) => p.plannedTimeSeconds);
  const run = sum((p) => p.runTimeSeconds);
  const good = sum((p) => p.goodCount);
  const reject = sum((p) => p.rejectCount);
  const total = sum((p) => p.totalCount);
  const ideal = sum((p) => p.idealTimeSeconds);
  return {
    plannedTimeSeconds: planned,
    runTimeSeconds: run,
    totalCount: total,
    goodCount: good,
    rejectCount: reject,
    idealTimeSeconds: ideal,
    availability: planned > 0 ? run / planned : null,
    performance: run > 0 && ideal > 0 ? ideal / run : null,
    quality: total > 0 ? good / total : null,
    oee: planned > 0 && ideal > 0 && total > 0 ? (good * (ideal / total)) / planned : null,
  };
}

const countStates = (items: readonly { state: string }[]) => {
  const states: Record<string, number> = {};
  for (const u of items) states[u.state] = (states[u.state] ?? 0) + 1;
  return states;
};
const addStates = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
};

/** The plant kinds templates become, by the path's name. */
const KIND_OF = { materials: 'material', routings: 'routing', 'reason-lists': 'reason-list', 'inspection-plans': 'inspection-plan' } as const;
export type TemplateKind = keyof typeof KIND_OF;

/** Where a plant record published from a template came from: kept on it, so its audit record's changes name it. */
export interface PublishedFrom {
  organizationId: string;
  templateId: string;
  templateVersion: number;
}

/** Some chosen plants changed the record themselves since it was published (or made it themselves): refused unless forced. */
export class LocalChangesError extends MesError {
  override readonly name = 'LocalChangesError';
  readonly status = 409;
  readonly type = 'urn:mes:problem:local-changes';
  readonly title = 'Plants changed this record themselves';
  constructor(plants: string[], what: string) {
    super(
      `${plants.join(', ')} changed ${what} themselves since it was last published (or made it themselves): send force: true to replace their version with a new one; nothing was published`,
    );
    this.members = { plants };
  }
}

export class OrganizationService {
  constructor(
    private readonly repository: OrganizationRepository,
    private readonly plants: {
      readSide: PlantReadSide;
      genealogy: Pick<GenealogyService, 'trace'>;
      lots: Pick<LotRepository, 'get' | 'getMany' | 'list'>;
      masterData: Pick<MasterDataService, 'put' | 'putReasonList'> & {
        current(tenantId: string, kind: MasterDataKind, id: string): Promise<Record<string, unknown> | undefined>;
      };
    },
    private readonly clock: Clock = systemClock,
    /** Runs fn in a tenant's scope (shared/db/tenant-scope.ts withTenantScope): every read of a plant runs in the plant's. */
    private readonly withTenantScope: <T>(tenantId: string, fn: () => Promise<T>) => Promise<T> = (_t, fn) => fn(),
  ) {}

  // ---------- the organization record (platform operators) ----------

  async put(auth: AuthContext, id: string, input: { name: string; plants: string[] }, expectedVersion?: number) {
    const orgTenant = orgTenantOf(id);
    const names = await this.repository.plantNames(input.plants);
    const missing = input.plants.flatMap((p, i) =>
      names.has(p) ? [] : [{ pointer: `/body/plants/${i}`, detail: `plant ${p} is not in the plant registry` }],
    );
    if (missing.length) throw new UnknownReferenceError(missing);
    const before = await this.repository.get(orgTenant);
    if (expectedVersion !== undefined && (before?.version ?? 0) !== expectedVersion) {
      throw new StaleVersionError(`organization ${id} is at version ${before?.version ?? 0}, not ${expectedVersion}`);
    }
    const at = this.clock.now().toISOString();
    const next: StoredOrganization = {
      id,
      name: input.name,
      plants: input.plants,
      version: (before?.version ?? 0) + 1,
      updatedAt: at,
      updatedBy: auth.userId,
    };
    await this.repository.save(orgTenant, next, before, {
      version: next.version,
      at,
      by: auth.userId,
      action: before ? 'organization.replace' : 'organization.create',
      target: `organization/${id}`,
      changes: diff(before ?? {}, next, META),
    });
    return this.view(next, names);
  }

  async get(id: string) {
    const org = await this.repository.get(orgTenantOf(id));
    if (!org) throw new NotFoundError(`organization ${id}`);
    return this.view(org, await this.repository.plantNames(org.plants));
  }

  /** The caller's own organization: from the token's tenant, never from the request. */
  async own(auth: AuthContext) {
    const org = await this.ownRecord(auth);
    return this.view(org, await this.repository.plantNames(org.plants));
  }

  private async ownRecord(auth: AuthContext): Promise<StoredOrganization> {
    const id = orgIdOf(auth.tenantId);
    const org = id === undefined ? undefined : await this.repository.get(auth.tenantId);
    if (!org) throw new NotFoundError('organization');
    return org;
  }

  private view(org: StoredOrganization, names: Map<string, string>) {
    return { ...org, plants: org.plants.map((tenantId) => ({ tenantId, name: names.get(tenantId) ?? tenantId })) };
  }

  // ---------- reads across plants ----------

  /** The caller acting in a member plant: same user, no plant role (the plant read side asks for none). */
  private inPlant = (auth: AuthContext, tenantId: string): AuthContext => ({ tenantId, userId: auth.userId, name: auth.name, roles: [] });

  async status(
    auth: AuthContext,
    query: { from?: string | undefined; to?: string | undefined; shift?: string | undefined; date?: string | undefined },
  ) {
    const org = await this.ownRecord(auth);
    const names = await this.repository.plantNames(org.plants);
    const plants = await Promise.all(
      org.plants.map((tenantId) =>
        this.withTenantScope(tenantId, async () => {
          const plantAuth = this.inPlant(auth, tenantId);
          const live = await this.plants.readSide.plantStatus(plantAuth, {});
          const base = { tenantId, name: names.get(tenantId) ?? tenantId, units: live.items.length, states: countStates(live.items) };
          try {
            const lines = await Promise.all(
              live.workCenters.map(async (line) => {
                const units = live.items.filter((u) => u.parentId === line.id);
                const oee = await this.plants.readSide.workCenterOee(plantAuth, line.id, query);
                return { line, units, oee };
              }),
            );
            const figures = lines.map(({ oee }) => ({ ...oee, idealTimeSeconds: (oee.idealCycleTimeSeconds ?? 0) * oee.totalCount }));
            return {
              ...base,
              ...(lines[0] ? { from: lines[0].oee.from, to: lines[0].oee.to } : {}),
              oee: rollup(figures),
              lines: lines.map(({ line, units }, i) => ({
                id: line.id,
                name: line.name,
                units: units.length,
                states: countStates(units),
                oee: rollup([figures[i] as (typeof figures)[number]]),
              })),
            };
          } catch (error) {
            // A shift this plant's calendar does not have (or no calendar): the plant shows its live state, without figures.
            if (error instanceof NotFoundError || error instanceof UnknownReferenceError) {
              return { ...base, oee: null, lines: [], problem: error.message };
            }
            throw error;
          }
        }),
      ),
    );
    const states: Record<string, number> = {};
    for (const p of plants) addStates(states, p.states);
    return {
      asOf: this.clock.now().toISOString(),
      units: plants.reduce((a, p) => a + p.units, 0),
      states,
      oee: rollup(plants.flatMap((p) => (p.oee ? [p.oee] : []))),
      plants,
    };
  }

  /**
   * A lot's trace across member plants. The link: a lot received at plant B whose supplierId is
   * member plant A's tenant id and whose supplierLot is a lot of A. Backward, every such receipt
   * continues in A; forward, every lot of A that was shipped (some of it) continues in the lots
   * B received from it (found among B's lots of the same material: a material published from
   * the organization's template has the same id in every plant).
   */
  async trace(auth: AuthContext, plant: string, lotId: string, direction: 'backward' | 'forward') {
    const org = await this.ownRecord(auth);
    if (!org.plants.includes(plant)) throw new NotFoundError(`lot ${lotId}`);
    const members = new Set(org.plants);
    type Ref = { plant: string; kind: 'lot' | 'serial'; id: string };
    const nodes: (Record<string, unknown> & { plant: string; kind: string; id: string; level: number })[] = [];
    const edges: (Record<string, unknown> & { from: Ref; to: Ref; via: string })[] = [];
    const seen = new Set<string>();
    const queue: { plant: string; id: string; offset: number }[] = [{ plant, id: lotId, offset: 0 }];
    const traced = new Set<string>();
    let truncated = false;
    while (queue.length) {
      const next = queue.shift() as (typeof queue)[number];
      const key = `${next.plant}:${next.id}`;
      if (traced.has(key)) continue;
      traced.add(key);
      await this.withTenantScope(next.plant, async () => {
        const page = await this.plants.genealogy.trace(next.plant, 'lot', next.id, direction);
        if (page.nextCursor) truncated = true;
        for (const n of page.nodes) {
          const nodeKey = `${next.plant}:${n.kind}:${n.id}`;
          if (seen.has(nodeKey)) continue;
          seen.add(nodeKey);
          nodes.push({ ...n, level: n.level + next.offset, plant: next.plant });
        }
        for (const e of page.edges) edges.push({ ...e, from: { ...e.from, plant: next.plant }, to: { ...e.to, plant: next.plant } });
        const lots = page.nodes.filter((n) => n.kind === 'lot' && n.found);
        if (direction === 'backward') {
          for (const n of lots) {
            if (!n.supplierId || !n.supplierLot || !members.has(n.supplierId) || n.supplierId === next.plant) continue;
            const received = await this.plants.lots.get(next.plant, n.id);
            // A split or merge carries its parent's supplier facts: only the receipt itself is the link.
            if (received?.origin !== 'received') continue;
            edges.push(shipment({ plant: n.supplierId, id: n.supplierLot }, { plant: next.plant, id: n.id }, received));
            queue.push({ plant: n.supplierId, id: n.supplierLot, offset: n.level + next.offset + 1 });
          }
        } else {
          const shipped = (
            await this.plants.lots.getMany(
              next.plant,
              lots.map((n) => n.id),
            )
          ).filter((l) => (l.shippedQty ?? 0) > 0 || l.status === 'shipped');
          for (const lot of shipped) {
            const level = (lots.find((n) => n.id === lot.id)?.level ?? 0) + next.offset + 1;
            for (const other of org.plants) {
              if (other === next.plant) continue;
              for (const received of await this.withTenantScope(other, () => this.receivedFrom(other, next.plant, lot))) {
                edges.push(shipment({ plant: next.plant, id: lot.id }, { plant: other, id: received.id }, received));
                queue.push({ plant: other, id: received.id, offset: level });
              }
            }
          }
        }
      });
    }
    return { root: { plant, kind: 'lot' as const, id: lotId }, direction, nodes, edges, truncated };
  }

  /** The lots `plant` received from `supplier`'s lot (same material id), every page. */
  private async receivedFrom(plant: string, supplier: string, lot: MaterialLot): Promise<MaterialLot[]> {
    const found: MaterialLot[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.plants.lots.list(plant, { materialId: lot.materialId }, { limit: 100, cursor });
      found.push(...page.items.filter((l) => l.origin === 'received' && l.supplierId === supplier && l.supplierLot === lot.id));
      cursor = page.nextCursor;
    } while (cursor);
    return found;
  }

  // ---------- templates (organization admins) ----------

  async putTemplate(
    auth: AuthContext,
    kind: TemplateKind,
    id: string,
    content: Record<string, unknown>,
    /** The plant's own input schema of the kind (a zod schema: only its safeParse is used). */
    schema: {
      safeParse(
        value: unknown,
      ): { success: true; data: unknown } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
    },
    expectedVersion?: number,
  ) {
    const org = await this.ownRecord(auth);
    const parsed = schema.safeParse(content);
    if (!parsed.success) {
      throw new ValidationError(parsed.error.issues.map((i) => ({ pointer: `/${['body', ...i.path.map(String)].join('/')}`, detail: i.message })));
    }
    if (kind === 'reason-lists' && !(REASON_LISTS as readonly string[]).includes(id)) {
      throw new ValidationError([{ pointer: '/path/id', detail: `a reason list is one of ${REASON_LISTS.join(', ')}` }]);
    }
    const plantKind = KIND_OF[kind];
    const before = await this.repository.getTemplate(auth.tenantId, plantKind, id);
    if (expectedVersion !== undefined && (before?.version ?? 0) !== expectedVersion) {
      throw new StaleVersionError(`template ${kind}/${id} is at version ${before?.version ?? 0}, not ${expectedVersion}`);
    }
    const at = this.clock.now().toISOString();
    const next: StoredTemplate = {
      kind,
      id,
      content: parsed.data as Record<string, unknown>,
      version: (before?.version ?? 0) + 1,
      updatedAt: at,
      updatedBy: auth.userId,
    };
    await this.repository.saveTemplate(auth.tenantId, plantKind, next, before, {
      version: next.version,
      at,
      by: auth.userId,
      action: before ? 'template.replace' : 'template.create',
      target: `organization/${org.id}/template/${kind}/${id}`,
      changes: diff(before ?? {}, next, META),
    });
    return next;
  }

  async getTemplate(auth: AuthContext, kind: TemplateKind, id: string) {
    await this.ownRecord(auth);
    const template = await this.repository.getTemplate(auth.tenantId, KIND_OF[kind], id);
    if (!template) throw new NotFoundError(`template ${kind}/${id}`);
    return template;
  }

  /**
   * Publishes the template's current version to chosen member plants. A plant whose record no
   * longer carries `publishedFrom` of this organization changed it itself (a plant's own PUT
   * never carries it) or made it itself: refused unless forced, and then nothing is written
   * anywhere. A plant that has this version already is `unchanged` (so a publish cut short is
   * finished by sending it again).
   */
  async publish(auth: AuthContext, kind: TemplateKind, id: string, body: { plants: string[]; force?: boolean | undefined }) {
    const org = await this.ownRecord(auth);
    const outside = body.plants.flatMap((p, i) =>
      org.plants.includes(p) ? [] : [{ pointer: `/body/plants/${i}`, detail: `${p} is not a plant of this organization` }],
    );
    if (outside.length) throw new UnknownReferenceError(outside);
    const template = await this.getTemplate(auth, kind, id);
    const plantKind = KIND_OF[kind];
    const from: PublishedFrom = { organizationId: org.id, templateId: id, templateVersion: template.version };
    const current = await Promise.all(
      body.plants.map((tenantId) =>
        this.withTenantScope(tenantId, async () => ({ tenantId, record: await this.plants.masterData.current(tenantId, plantKind, id) })),
      ),
    );
    const origin = (r: Record<string, unknown> | undefined) => r?.publishedFrom as PublishedFrom | undefined;
    const local = current.filter(({ record }) => record && origin(record)?.organizationId !== org.id).map((c) => c.tenantId);
    if (local.length && !body.force) throw new LocalChangesError(local, `${plantKind} ${id}`);
    const results: { tenantId: string; outcome: 'published' | 'unchanged'; version: number }[] = [];
    for (const { tenantId, record } of current) {
      const was = origin(record);
      if (record && was?.organizationId === org.id && was.templateId === id && was.templateVersion === template.version) {
        results.push({ tenantId, outcome: 'unchanged', version: record.version as number });
        continue;
      }
      const input = { ...template.content, publishedFrom: from } as unknown as MasterDataInputs['material'];
      const plantAuth = this.inPlant(auth, tenantId);
      const stored = await this.withTenantScope(tenantId, async () =>
        plantKind === 'reason-list'
          ? this.plants.masterData.putReasonList(plantAuth, id as ReasonListName, input as unknown as MasterDataInputs['reason-list'])
          : this.plants.masterData.put(plantAuth, plantKind as 'material', id, input),
      );
      results.push({ tenantId, outcome: 'published', version: stored.version });
    }
    return { template: { kind, id, version: template.version }, plants: results };
  }
}

const META = new Set(['version', 'updatedAt', 'updatedBy']);

function shipment(from: { plant: string; id: string }, to: { plant: string; id: string }, received: MaterialLot) {
  return {
    from: { ...from, kind: 'lot' as const },
    to: { ...to, kind: 'lot' as const },
    quantity: received.initialQuantity,
    uom: received.uom,
    via: 'shipment' as const,
    at: received.createdAt,
    by: received.createdBy,
  };
}

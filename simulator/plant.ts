/**
 * Which units the simulator plays and how each kind of machine behaves. Units come from the
 * running MES (equipment of level workUnit, read through the HTTP API with a local token) or,
 * when it cannot be reached, from the demo plant's list below.
 */
import { fetchHonouringRetryAfter } from '../shared/api/retry-after.ts';
import { hash32 } from './prng.ts';

export interface ProcessVariable {
  name: string;
  nominal: number;
  /** Sample-to-sample noise (standard deviation). */
  noise: number;
  /** Drift per hour of running since the last setup (tool wear, warming up). */
  driftPerHour: number;
  /** Where the value settles while the machine stands still. */
  idle: number;
  decimals: number;
}

export interface UnitProfile {
  kind: string;
  idealCycleTimeSeconds: number;
  /** Typical slowdown against the ideal cycle (reduced speed loss). */
  speedLoss: [min: number, max: number];
  rejectRate: number;
  /** Parts after a setup that are rejected more often (startup rejects, reduced yield). */
  startupParts: number;
  startupRejectRate: number;
  variables: ProcessVariable[];
}

const v = (name: string, nominal: number, noise: number, driftPerHour: number, idle: number, decimals = 2): ProcessVariable => ({
  name,
  nominal,
  noise,
  driftPerHour,
  idle,
  decimals,
});

export const PROFILES: Record<string, UnitProfile> = {
  press: {
    kind: 'press',
    idealCycleTimeSeconds: 6,
    speedLoss: [1.03, 1.12],
    rejectRate: 0.012,
    startupParts: 20,
    startupRejectRate: 0.15,
    variables: [v('force_kN', 42, 0.6, 0.4, 0), v('temperature', 38, 0.2, 1.5, 24, 1)],
  },
  screwdriver: {
    kind: 'screwdriver',
    idealCycleTimeSeconds: 12,
    speedLoss: [1.02, 1.08],
    rejectRate: 0.008,
    startupParts: 10,
    startupRejectRate: 0.1,
    variables: [v('torque_Nm', 2.4, 0.05, 0.02, 0, 3), v('angle_deg', 720, 6, 0, 0, 0)],
  },
  leakTester: {
    kind: 'leakTester',
    idealCycleTimeSeconds: 30,
    speedLoss: [1.0, 1.05],
    rejectRate: 0.02,
    startupParts: 5,
    startupRejectRate: 0.12,
    variables: [v('pressure_bar', 2, 0.01, 0, 1, 3), v('leakRate_mlmin', 0.8, 0.05, 0.03, 0, 3)],
  },
  labeler: {
    kind: 'labeler',
    idealCycleTimeSeconds: 2,
    speedLoss: [1.05, 1.2],
    rejectRate: 0.005,
    startupParts: 50,
    startupRejectRate: 0.05,
    variables: [v('speed_mpm', 30, 0.4, -0.3, 0, 1), v('temperature', 24, 0.1, 0.5, 22, 1)],
  },
  cartoner: {
    kind: 'cartoner',
    idealCycleTimeSeconds: 4,
    speedLoss: [1.04, 1.15],
    rejectRate: 0.006,
    startupParts: 30,
    startupRejectRate: 0.08,
    variables: [v('vacuum_kPa', -65, 0.8, 0.5, 0, 1), v('speed_cpm', 15, 0.2, -0.1, 0, 1)],
  },
};

/** The demo plant's work units (infra/local/seed.ts), for when the API is not there. */
export const DEMO_WORK_UNITS: readonly string[] = ['wu-press-1', 'wu-screw-1', 'wu-leak-tester-1', 'wu-labeler-1', 'wu-cartoner-1'];

/** A unit's kind from its id when it names one, else a stable pick. */
export function profileFor(unitId: string): UnitProfile {
  const byName: [RegExp, string][] = [
    [/press/, 'press'],
    [/screw/, 'screwdriver'],
    [/leak|test/, 'leakTester'],
    [/label/, 'labeler'],
    [/carton|pack/, 'cartoner'],
  ];
  const kind = byName.find(([re]) => re.test(unitId))?.[1];
  const kinds = Object.keys(PROFILES);
  return PROFILES[kind ?? (kinds[hash32(unitId) % kinds.length] as string)] as UnitProfile;
}

/** Reads the tenant's work units from the MES; undefined when it cannot. */
export async function fetchWorkUnits(apiUrl: string, tenantId: string): Promise<string[] | undefined> {
  return (await fetchWorkUnitGateways(apiUrl, tenantId))?.map((u) => u.id);
}

/** The tenant's work units and the gateway each reports through (its master data's `gatewayId`); undefined when the MES cannot say. */
export async function fetchWorkUnitGateways(apiUrl: string, tenantId: string): Promise<{ id: string; gatewayId?: string }[] | undefined> {
  try {
    const tokenRes = await fetch(`${apiUrl}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId, userId: 'telemetry-simulator', roles: ['supervisor'] }),
    });
    if (!tokenRes.ok) return undefined;
    const { token } = (await tokenRes.json()) as { token: string };
    const units: { id: string; gatewayId?: string }[] = [];
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) });
      // Fair use (issue 17): over the plant's limit, wait its Retry-After and ask again.
      const res = await fetchHonouringRetryAfter(`${apiUrl}/v1/equipment?${query}`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) return undefined;
      const page = (await res.json()) as { items: { id: string; level: string; gatewayId?: string }[]; nextCursor?: string };
      units.push(...page.items.filter((e) => e.level === 'workUnit').map((e) => ({ id: e.id, ...(e.gatewayId ? { gatewayId: e.gatewayId } : {}) })));
      cursor = page.nextCursor;
    } while (cursor);
    return units;
  } catch {
    return undefined;
  }
}

/**
 * `--units`: a comma-separated list of ids, or a count: the first N known units, then made-up
 * `wu-sim-NNN` ones (for load; the MES has no master data for them).
 */
export function chooseUnits(known: readonly string[], units: string | undefined): string[] {
  if (!units) return [...known];
  if (!/^\d+$/.test(units))
    return units
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
  const n = Number(units);
  const extra = Array.from({ length: Math.max(0, n - known.length) }, (_, i) => `wu-sim-${String(i + 1).padStart(3, '0')}`);
  return [...known, ...extra].slice(0, n);
}

/**
 * Gateway mode: the gateway of each unit. A unit publishes through the gateway its master data
 * names; with `unitsPerGateway`, the units that name none are grouped, that many a gateway, under
 * made-up `gw-sim-NN` gateways (whose samples the ingest refuses until the units' master data
 * name them: PUT /v1/equipment/{id} with `gatewayId`).
 */
export function assignGateways(units: readonly string[], named: ReadonlyMap<string, string>, unitsPerGateway?: number): Map<string, string> {
  const out = new Map<string, string>();
  let unassigned = 0;
  for (const unit of units) {
    const gatewayId = named.get(unit);
    if (gatewayId) out.set(unit, gatewayId);
    else if (unitsPerGateway) out.set(unit, `gw-sim-${String(Math.floor(unassigned++ / unitsPerGateway) + 1).padStart(2, '0')}`);
  }
  return out;
}

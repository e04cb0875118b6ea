/**
 * OEE (`#/oee?scope=line&id=wc-line-1&shift=Early|2026-11-25&trend=week`): Availability,
 * Performance, Quality and OEE of a unit or a line, today so far or for one of today's shifts
 * (polled every 5 s); for a line, its units side by side; then the trend (by day or by hour) and
 * the downtime Pareto over the same days, drawn by uPlot once it has loaded.
 * The choices live in the hash, so a link or the back button brings the same view.
 */
import type { Equipment } from '../../../shared/api/schemas.ts';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { useLive } from '../live.ts';
import { navigate, queryOf } from '../router.ts';
import { ErrorNote, Loading, Page, fmtTime } from '../ui.tsx';
import { type Plant, loadPlant, loadReasons, mapBounded, reasonIndex } from '../components/downtime-data.tsx';
import { OeeByUnit, OeeFigures, OeeLosses } from '../components/oee-figures.tsx';
import { OeePareto } from '../components/oee-pareto.tsx';
import { browserTimeZone, fmtRange, loadCalendar, todaysShifts } from '../components/oee-time.tsx';
import { type OeeOf, OeeTrend, TREND_MODES, type TrendMode, bucketsFor, oeeKey } from '../components/oee-trend.tsx';

type Scope = 'unit' | 'line';

interface View {
  scope: Scope;
  id: string;
  /** `name|date` of a shift, or '' for today so far. */
  shift: string;
  trend: TrendMode;
}

const hrefOf = (v: View) => {
  const q = new URLSearchParams({ scope: v.scope, id: v.id });
  if (v.shift) q.set('shift', v.shift);
  if (v.trend !== 'week') q.set('trend', v.trend);
  return `/oee?${q.toString()}`;
};

/** The OEE of a unit (equipment) or a line (work center). */
const oeeOf = (scope: Scope, id: string): OeeOf => ({ route: scope === 'unit' ? 'getEquipmentOee' : 'getWorkCenterOee', id });
const shiftQuery = (shift: string) => {
  const [name, date] = shift.split('|');
  return shift && name && date ? { shift: name, date } : {};
};

function resolveView(path: string, plant: Plant | undefined): View {
  const q = queryOf(path);
  const wanted = q.get('scope');
  const scope: Scope = wanted === 'unit' || wanted === 'line' ? wanted : plant && plant.lines.length === 0 ? 'unit' : 'line';
  const list = plant ? (scope === 'unit' ? plant.units : plant.lines) : [];
  const id = q.get('id') ?? '';
  // By default the first line that has units of its own (a line without any has no telemetry yet).
  const first = scope === 'line' ? (list.find((l) => plant?.units.some((u) => u.parentId === l.id)) ?? list[0]) : list[0];
  return {
    scope,
    id: list.some((e) => e.id === id) ? id : (first?.id ?? ''),
    shift: q.get('shift') ?? '',
    trend: q.get('trend') === 'today' ? 'today' : 'week',
  };
}

export default function OeeScreen({ path }: ScreenProps) {
  const plant = useLive(() => loadPlant(), [], { intervalMs: 60_000 });
  const calendar = useLive((signal) => loadCalendar(signal), [], { intervalMs: 300_000 });
  const reasons = useLive((signal) => loadReasons(signal), [], { intervalMs: 60_000 });
  const view = resolveView(path, plant.data);
  const now = Date.now();
  const shifts = todaysShifts(calendar.data, now);
  const shift = shifts.some((s) => s.value === view.shift) ? view.shift : '';
  const of = view.id ? oeeOf(view.scope, view.id) : undefined;

  const headline = useLive(
    async (signal) => (of ? api.call(of.route, { params: { id: of.id }, query: shiftQuery(shift), signal }) : undefined),
    [of && oeeKey(of), shift],
    { intervalMs: 5000 },
  );
  const lineUnits = plant.data && view.scope === 'line' && view.id ? plant.data.unitsOf(view.id).filter((u) => u.id !== view.id) : [];
  const byUnit = useLive(
    async (signal) =>
      mapBounded(lineUnits, 4, async (u) => ({
        id: u.id,
        name: u.name,
        oee: await api.call('getEquipmentOee', { params: { id: u.id }, query: shiftQuery(shift), signal }),
      })),
    [lineUnits.map((u) => u.id).join(' '), shift],
    { intervalMs: 10_000 },
  );

  const change = (patch: Partial<View>) => navigate(hrefOf({ ...view, shift, ...patch }));
  const changeScope = (scope: Scope) => {
    if (!plant.data || scope === view.scope) return;
    // Keep the place: a unit's line, or a line's first unit.
    const current = plant.data.byId.get(view.id);
    const id = scope === 'line' ? (current?.parentId ?? '') : (plant.data.unitsOf(view.id)[0]?.id ?? '');
    change({ scope, id });
  };

  if (!plant.data) {
    return (
      <Page title="OEE">
        <ErrorNote error={plant.error} />
        <Loading />
      </Page>
    );
  }
  const subject = plant.data.name(view.id);
  const timeZone = calendar.data?.timeZone ?? browserTimeZone();
  const shiftChoice = shifts.find((s) => s.value === shift);
  const scopeUnits = view.scope === 'unit' ? plant.data.units.filter((u) => u.id === view.id) : plant.data.unitsOf(view.id);
  const trendFrom = bucketsFor(view.trend, timeZone, now)[0]?.from ?? now;
  const index = reasonIndex(reasons.data);

  return (
    <Page title="OEE">
      <form class="oee-controls" onSubmit={(e) => e.preventDefault()} aria-label="What to show">
        <label class="field">
          <span>Scope</span>
          <select value={view.scope} onChange={(e) => changeScope((e.target as HTMLSelectElement).value as Scope)}>
            <option value="unit">Unit</option>
            <option value="line">Line</option>
          </select>
        </label>
        <label class="field">
          <span>{view.scope === 'unit' ? 'Unit' : 'Line'}</span>
          <select value={view.id} onChange={(e) => change({ id: (e.target as HTMLSelectElement).value })}>
            {view.scope === 'unit' ? (
              <UnitOptions plant={plant.data} />
            ) : (
              plant.data.lines.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))
            )}
          </select>
        </label>
        <label class="field oee-field-wide">
          <span>Shift</span>
          <select value={shift} onChange={(e) => change({ shift: (e.target as HTMLSelectElement).value })}>
            <option value="">Today so far</option>
            {shifts.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      </form>

      {!of ? (
        <p>No {view.scope === 'unit' ? 'units' : 'lines'} in this plant yet.</p>
      ) : (
        <>
          <section aria-labelledby="oee-now-title">
            <h2 id="oee-now-title">
              {subject}: {shiftChoice ? `${shiftChoice.name} shift` : 'today so far'}
            </h2>
            <ErrorNote error={headline.error} />
            {headline.data ? (
              <>
                <p class="oee-range muted">
                  {fmtRange(timeZone, headline.data.from, headline.data.to)} (plant time)
                  {headline.updatedAt ? ` · updated ${fmtTime(new Date(headline.updatedAt).toISOString())}` : ''}
                </p>
                <OeeFigures oee={headline.data} />
                <OeeLosses oee={headline.data} />
              </>
            ) : headline.error ? null : (
              <Loading />
            )}
            {lineUnits.length > 0 && byUnit.data ? (
              <>
                <h3>By unit</h3>
                <OeeByUnit
                  caption={`OEE of each unit of ${subject}`}
                  rows={byUnit.data}
                  href={(id) => `#${hrefOf({ ...view, shift, scope: 'unit', id })}`}
                />
              </>
            ) : null}
          </section>

          <section aria-labelledby="oee-charts-title">
            <div class="page-head">
              <h2 id="oee-charts-title">Trend and downtime</h2>
              <label class="field">
                <span>Trend</span>
                <select value={view.trend} onChange={(e) => change({ trend: (e.target as HTMLSelectElement).value as TrendMode })}>
                  {(Object.keys(TREND_MODES) as TrendMode[]).map((m) => (
                    <option key={m} value={m}>
                      {TREND_MODES[m]}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <div class="oee-charts">
              <OeeTrend of={of} subject={subject} timeZone={timeZone} mode={view.trend} />
              <OeePareto
                units={scopeUnits}
                subject={subject}
                reasons={index}
                from={trendFrom}
                rangeLabel={TREND_MODES[view.trend].split(',')[0] ?? ''}
              />
            </div>
          </section>
        </>
      )}
    </Page>
  );
}

/** Units grouped by their line. */
function UnitOptions({ plant }: { plant: Plant }) {
  const groups = new Map<string, Equipment[]>();
  for (const u of plant.units) groups.set(u.parentId ?? '', [...(groups.get(u.parentId ?? '') ?? []), u]);
  return (
    <>
      {[...groups].map(([lineId, units]) => (
        <optgroup key={lineId} label={lineId ? plant.name(lineId) : 'Other'}>
          {units.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </optgroup>
      ))}
    </>
  );
}

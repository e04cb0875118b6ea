/**
 * The headline OEE figures as four tiles (Availability, Performance, Quality, OEE), each with
 * what it is made of (MES.md: run time / planned time, ideal time / run time, good / total,
 * and their product), and a compact per-unit comparison table.
 */
import type { Oee } from '../../../shared/api/schemas.ts';
import { fmtDateTime, fmtDuration, fmtPct } from '../ui.tsx';

const fmtSeconds = (s: number) => fmtDuration(s * 1000);
const fmtCount = (n: number) => Math.round(n).toLocaleString();

/** Why a ratio has no value, in words. */
function missing(oee: Oee, ratio: 'availability' | 'performance' | 'quality' | 'oee'): string {
  if (notInService(oee)) return `in service from ${fmtDateTime(oee.commissionedAt)}`;
  if (oee.plannedTimeSeconds <= 0 && ratio !== 'quality') return 'no planned production time';
  if (ratio === 'availability') return 'no planned production time';
  if (ratio === 'quality') return 'nothing counted yet';
  if (oee.idealCycleTimeSeconds === null && oee.totalCount > 0) return 'no ideal cycle time set';
  if (ratio === 'performance' && oee.runTimeSeconds <= 0) return 'no run time';
  return 'nothing counted yet';
}

export function OeeFigures({ oee }: { oee: Oee }) {
  const tiles = [
    {
      key: 'availability' as const,
      label: 'Availability',
      basis: `${fmtSeconds(oee.runTimeSeconds)} run of ${fmtSeconds(oee.plannedTimeSeconds)} planned`,
    },
    {
      key: 'performance' as const,
      label: 'Performance',
      basis:
        oee.idealCycleTimeSeconds !== null
          ? `${fmtCount(oee.totalCount)} made at ideal ${oee.idealCycleTimeSeconds.toFixed(1)} s each`
          : `${fmtCount(oee.totalCount)} made`,
    },
    {
      key: 'quality' as const,
      label: 'Quality',
      basis: `${fmtCount(oee.goodCount)} good of ${fmtCount(oee.totalCount)}, ${fmtCount(oee.rejectCount)} rejected`,
    },
    { key: 'oee' as const, label: 'OEE', basis: 'Availability × Performance × Quality' },
  ];
  return (
    <dl class="oee-figures">
      {tiles.map((t) => (
        <div key={t.key} class={`oee-tile${t.key === 'oee' ? ' oee-tile-main' : ''}`} data-testid={`oee-${t.key}`}>
          <dt>{t.label}</dt>
          <dd class="oee-value">{fmtPct(oee[t.key])}</dd>
          <dd class="oee-basis">{oee[t.key] === null ? `No figure: ${missing(oee, t.key)}` : t.basis}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A unit's figures start at its commissioning: none for a time wholly before it (a work center's view never says one: its units differ). */
export const notInService = (oee: Oee) => oee.plannedTimeSeconds <= 0 && !!oee.commissionedAt && Date.parse(oee.commissionedAt) >= Date.parse(oee.to);

/** Downtime by state under the tiles: where the availability went; and from when a unit counts, if that is inside the range. */
export function OeeLosses({ oee }: { oee: Oee }) {
  const states = Object.entries(oee.downtimeByState).filter(([, s]) => s > 0);
  const since = oee.commissionedAt && Date.parse(oee.commissionedAt) > Date.parse(oee.from) ? oee.commissionedAt : undefined;
  return (
    <p class="muted">
      Downtime {fmtSeconds(oee.downtimeSeconds)}
      {states.length ? ` (${states.map(([state, s]) => `${state.replace('-', ' ')} ${fmtSeconds(s)}`).join(', ')})` : ''}.
      {since ? (
        <span data-testid="oee-commissioned">
          {' '}
          Counted from <time dateTime={since}>{fmtDateTime(since)}</time>, when the unit went into service.
        </span>
      ) : null}
    </p>
  );
}

/** One row per unit: which unit pulls the line down. */
export function OeeByUnit({
  rows,
  caption,
  href,
}: {
  rows: { id: string; name: string; oee: Oee | undefined }[];
  caption: string;
  href: (id: string) => string;
}) {
  return (
    <div class="oee-table-wrap">
      <table class="oee-table">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Unit</th>
            <th scope="col" class="oee-num-head">
              Avail{'\u00AD'}ability
            </th>
            <th scope="col" class="oee-num-head">
              Perfor{'\u00AD'}mance
            </th>
            <th scope="col" class="oee-num-head">
              Quality
            </th>
            <th scope="col" class="oee-num-head">
              OEE
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid={`oee-unit-${r.id}`}>
              <th scope="row">
                <a href={href(r.id)}>{r.name}</a>
              </th>
              <td class="oee-num">{fmtPct(r.oee?.availability)}</td>
              <td class="oee-num">{fmtPct(r.oee?.performance)}</td>
              <td class="oee-num">{fmtPct(r.oee?.quality)}</td>
              <td class="oee-num">
                <strong>{fmtPct(r.oee?.oee)}</strong>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

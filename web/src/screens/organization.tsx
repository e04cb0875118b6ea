/**
 * `#/organization` (issue 17; docs/organizations.md): the home of an organization's users. Each
 * member plant by name, how many of its machines are in each state now, and its OEE today; a tap
 * on a plant shows its lines the same way. Read-only: the figures are each plant's own, read in
 * the plant (the route getOrganizationStatus), refreshed every 15 s.
 */
import { useState } from 'preact/hooks';
import type { OrganizationStatus } from '../../../shared/api/organization-schemas.ts';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { stateWords } from '../components/plant-unit-card.tsx';
import { useLive } from '../live.ts';
import { ErrorNote, fmtPct, Loading, Page } from '../ui.tsx';

const ORDER = ['running', 'idle', 'setup', 'planned-stop', 'down', 'offline'];

/** "3 running · 1 down", in the plant overview's order. */
function counts(states: Record<string, number>, units: number) {
  if (units === 0) return 'No machines';
  const known = [...ORDER, ...Object.keys(states).filter((s) => !ORDER.includes(s))];
  return known.flatMap((s) => (states[s] ? [`${states[s]} ${stateWords(s)}`] : [])).join(' · ');
}

type PlantStatus = OrganizationStatus['plants'][number];

function PlantCard({ plant }: { plant: PlantStatus }) {
  const [open, setOpen] = useState(false);
  return (
    <li class="card org-plant" data-testid={`org-plant-${plant.tenantId}`}>
      <button type="button" class="org-plant-head" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span class="org-plant-name">{plant.name}</span>
        <span class="org-oee">
          OEE today <strong>{fmtPct(plant.oee?.oee)}</strong>
        </span>
      </button>
      <p class="state-counts">
        {plant.units} machine{plant.units === 1 ? '' : 's'}: {counts(plant.states, plant.units)}
      </p>
      {plant.problem ? <p class="muted">No figures: {plant.problem}</p> : null}
      {open ? (
        <ul class="plain-list org-lines">
          {plant.lines.length === 0 ? <li class="muted">No lines</li> : null}
          {plant.lines.map((line) => (
            <li key={line.id} class="org-line">
              <span class="org-line-name">{line.name}</span>
              <span class="muted">{counts(line.states, line.units)}</span>
              <span>
                OEE <strong>{fmtPct(line.oee.oee)}</strong> · {line.oee.goodCount} good, {line.oee.rejectCount} rejected
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">Tap the plant to see its lines.</p>
      )}
    </li>
  );
}

export default function Organization(_props: ScreenProps) {
  const org = useLive((signal) => api.call('getOwnOrganization', { signal }), [], { intervalMs: 300_000 });
  const status = useLive((signal) => api.call('getOrganizationStatus', { query: {}, signal }), [], { intervalMs: 15_000 });
  const data = status.data;
  return (
    <Page title={org.data?.name ?? 'Organization'}>
      <ErrorNote error={status.error} />
      {!data ? (
        <Loading />
      ) : (
        <>
          <div class="card org-total">
            <p>
              All plants: OEE today <strong>{fmtPct(data.oee.oee)}</strong>
            </p>
            <p class="state-counts">
              {data.units} machine{data.units === 1 ? '' : 's'}: {counts(data.states, data.units)}
            </p>
          </div>
          <ul class="cards plain-list">
            {data.plants.map((p) => (
              <PlantCard key={p.tenantId} plant={p} />
            ))}
          </ul>
        </>
      )}
    </Page>
  );
}

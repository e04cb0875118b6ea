/**
 * `#/maintenance` (issue 18, docs/maintenance.md): the maintenance queue for technicians,
 * supervisors and admins. Every request not done, most urgent first, then oldest: the unit by
 * name, what is wrong, how long it has waited, its planned window and who does it. Big buttons
 * for the step it is at: start the work, complete it (what was done, a part from the plant's
 * materials, the minutes), plan it, assign it, cancel it. Anyone may report a problem on a unit.
 */
import type { MaintenanceRequest } from '../../../shared/domain/maintenance/model.ts';
import { PERMISSIONS } from '../../../shared/domain/roles.ts';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { currentSession, hasRole } from '../auth.ts';
import { useLive } from '../live.ts';
import { navigate, queryOf } from '../router.ts';
import { personName } from '../plant.ts';
import { ConfirmAction, ErrorNote, Loading, Page, fmtAgo, fmtDateTime } from '../ui.tsx';
import { MR_STATUS_WORDS, PRIORITY_WORDS, RaiseRequest } from '../components/raise-maintenance.tsx';

const HOUR = 3_600_000;
/** When the planned work starts: picked, not typed. */
const START_OPTIONS = [
  { value: '0', label: 'Now' },
  { value: '1', label: 'In 1 hour' },
  { value: '2', label: 'In 2 hours' },
  { value: '4', label: 'In 4 hours' },
  { value: '24', label: 'This time tomorrow' },
];
const LENGTH_OPTIONS = [
  { value: '30', label: '30 minutes' },
  { value: '60', label: '1 hour' },
  { value: '120', label: '2 hours' },
  { value: '240', label: '4 hours' },
  { value: '480', label: '8 hours' },
];

/** The plant's work units and materials, and the people who may be assigned, as pick lists. */
async function loadChoices(signal: AbortSignal) {
  const [equipment, materials, people] = await Promise.all([
    api.allPages('listEquipment', { signal }),
    api.allPages('listMaterials', { signal }),
    api.allPages('listPersonnel', { signal }),
  ]);
  const byName = (a: { label: string }, b: { label: string }) => a.label.localeCompare(b.label);
  return {
    units: equipment
      // Work units only: OEE and the cycle counters are per unit (the API refuses a work center).
      .filter((e) => e.level === 'workUnit')
      .map((e) => ({ value: e.id, label: e.name }))
      .sort(byName),
    materials: materials.map((m) => ({ value: m.id, label: `${m.name} (${m.uom})` })).sort(byName),
    people: people
      .filter((p) => p.active !== false)
      .map((p) => ({ value: p.id, label: p.roles.includes('maintenance') ? p.name : `${p.name} (${p.roles.join(', ')})` }))
      .sort((a, b) => Number(b.label.indexOf('(') < 0) - Number(a.label.indexOf('(') < 0) || a.label.localeCompare(b.label)),
  };
}
type Choices = Awaited<ReturnType<typeof loadChoices>>;
const unitName = (choices: Choices | undefined, id: string) => choices?.units.find((u) => u.value === id)?.label ?? id;

/** A person by the plant's personnel name, else the name their token carried. */
const who = (userId: string, name?: string) => {
  const known = personName(userId);
  return known !== userId ? known : (name ?? userId);
};

function RequestCard({ r, choices, canWork, after }: { r: MaintenanceRequest; choices: Choices | undefined; canWork: boolean; after: () => void }) {
  const ifMatch = r.version;
  const waiting = r.status !== 'in-progress';
  return (
    <li class={`card mr-card mr-${r.priority}`} data-testid={`mr-${r.id}`}>
      <div class="mr-head">
        <h3 class="entry-title">{r.equipmentName ?? r.equipmentId}</h3>
        <span class={`badge mr-priority-${r.priority}`}>{PRIORITY_WORDS[r.priority]}</span>
        <span class="badge">{MR_STATUS_WORDS[r.status]}</span>
      </div>
      <p class="mr-problem">{r.problem}</p>
      <dl class="downtime-facts">
        <div>
          <dt>Reported</dt>
          <dd>
            {fmtAgo(r.raisedAt)} by {r.origin === 'plan' ? 'the maintenance plan' : who(r.raisedBy, r.raisedByName)}
          </dd>
        </div>
        <div>
          <dt>Request</dt>
          <dd>
            {r.id}
            {r.origin === 'downtime' && r.downtimeStart ? <span class="muted"> · from the stop at {fmtDateTime(r.downtimeStart)}</span> : null}
          </dd>
        </div>
        {r.plannedWindow ? (
          <div class="downtime-facts-wide">
            <dt>Planned</dt>
            <dd>
              {fmtDateTime(r.plannedWindow.start)} to {fmtDateTime(r.plannedWindow.end)}
            </dd>
          </div>
        ) : null}
        {r.assigneeId ? (
          <div>
            <dt>Who</dt>
            <dd>{r.assigneeName ?? personName(r.assigneeId)}</dd>
          </div>
        ) : null}
        {r.startedAt ? (
          <div>
            <dt>Started</dt>
            <dd>
              {fmtAgo(r.startedAt)} by {personName(r.startedBy)}
            </dd>
          </div>
        ) : null}
      </dl>
      {canWork ? (
        <div class="mr-actions">
          {waiting ? (
            <ConfirmAction
              label="Start work"
              title={`Start work on ${r.equipmentName ?? r.equipmentId}`}
              question={
                r.plannedWindow
                  ? `${r.problem}. Planned work: the unit counts as planned maintenance from ${fmtDateTime(r.plannedWindow.start)} to ${fmtDateTime(r.plannedWindow.end)}, not as downtime.`
                  : `${r.problem}. Not planned: the stop stays unplanned downtime in OEE. Plan it first to count it as planned maintenance.`
              }
              run={async () => {
                await api.call('startMaintenanceRequest', { params: { id: r.id }, body: {}, ifMatch });
              }}
              after={after}
            />
          ) : (
            <ConfirmAction
              label="Work done"
              title={`Work done on ${r.equipmentName ?? r.equipmentId}`}
              fields={[
                { name: 'workDone', label: 'What was done', type: 'text', required: true },
                {
                  name: 'material',
                  label: 'Part used (if any)',
                  type: 'select',
                  options: [{ value: '', label: 'No part' }, ...(choices?.materials ?? [])],
                },
                { name: 'quantity', label: 'How many', type: 'number', min: 0, initial: '1' },
                { name: 'minutes', label: 'Minutes worked', type: 'number', min: 0, inputMode: 'numeric' },
              ]}
              run={async (values) => {
                const quantity = Number(values.quantity || '0');
                const minutes = values.minutes ? Number(values.minutes) : undefined;
                await api.call('completeMaintenanceRequest', {
                  params: { id: r.id },
                  body: {
                    workDone: values.workDone?.trim() ?? '',
                    ...(values.material && quantity > 0 ? { parts: [{ materialId: values.material, quantity }] } : {}),
                    ...(minutes !== undefined && Number.isFinite(minutes) ? { laborMinutes: minutes } : {}),
                  },
                  ifMatch,
                });
              }}
              after={after}
            />
          )}
          {waiting ? (
            <>
              <ConfirmAction
                label="Plan"
                kind="plain"
                title={`Plan the work on ${r.equipmentName ?? r.equipmentId}`}
                question="The time the unit is out of production for this work. Once the work starts, it counts as planned maintenance in OEE, not as downtime."
                fields={[
                  { name: 'start', label: 'Starts', type: 'select', required: true, options: START_OPTIONS, initial: '1' },
                  { name: 'length', label: 'Takes', type: 'select', required: true, options: LENGTH_OPTIONS, initial: '60' },
                ]}
                run={async (values) => {
                  const start = Math.ceil((Date.now() + Number(values.start ?? '0') * HOUR) / 60_000) * 60_000;
                  const end = start + Number(values.length ?? '60') * 60_000;
                  await api.call('planMaintenanceRequest', {
                    params: { id: r.id },
                    body: { start: new Date(start).toISOString(), end: new Date(end).toISOString() },
                    ifMatch,
                  });
                }}
                after={after}
              />
              <ConfirmAction
                label="Assign"
                kind="plain"
                title={`Who works on ${r.equipmentName ?? r.equipmentId}`}
                fields={[{ name: 'who', label: 'Person', type: 'select', required: true, options: choices?.people ?? [] }]}
                run={async (values) => {
                  await api.call('assignMaintenanceRequest', { params: { id: r.id }, body: { assigneeId: values.who ?? '' }, ifMatch });
                }}
                after={after}
              />
            </>
          ) : null}
          <ConfirmAction
            label="Cancel request"
            kind="danger"
            title={`Cancel ${r.id}`}
            fields={[{ name: 'reason', label: 'Why', type: 'text', required: true }]}
            run={async (values) => {
              await api.call('cancelMaintenanceRequest', { params: { id: r.id }, body: { reason: values.reason?.trim() ?? '' }, ifMatch });
            }}
            after={after}
          />
        </div>
      ) : null}
    </li>
  );
}

export default function Maintenance({ path }: ScreenProps) {
  // From a unit card (`?unit=`): a problem on that unit, named, first on the screen.
  const unitId = queryOf(path).get('unit') ?? undefined;
  const session = currentSession();
  const canWork = hasRole(session, PERMISSIONS.workMaintenance);
  const canRaise = hasRole(session, PERMISSIONS.raiseMaintenanceRequest);
  const queue = useLive((signal) => api.call('listMaintenanceRequests', { query: {}, signal }), [], { intervalMs: 10_000 });
  const choices = useLive((signal) => loadChoices(signal), [], { intervalMs: 300_000 });
  const items = queue.data?.items ?? [];
  const running = items.filter((r) => r.status === 'in-progress');
  const waiting = items.filter((r) => r.status !== 'in-progress');
  const reload = () => void queue.reload();
  return (
    <Page title="Maintenance" actions={canRaise ? <RaiseRequest units={choices.data?.units} after={reload} /> : null}>
      {canRaise && unitId ? (
        <p class="mr-for-unit">
          <RaiseRequest
            label={`Report a problem on ${unitName(choices.data, unitId)}`}
            equipmentId={unitId}
            unitName={unitName(choices.data, unitId)}
            after={() => {
              reload();
              navigate('/maintenance');
            }}
          />
        </p>
      ) : null}
      <ErrorNote error={queue.error} />
      {!queue.data ? (
        <Loading />
      ) : items.length === 0 ? (
        <p>Nothing to do: no open maintenance requests.</p>
      ) : (
        <>
          <p class="downtime-summary">
            <strong>{running.length} in progress</strong> · {waiting.length} waiting, most urgent first
          </p>
          <ul class="cards mr-list">
            {[...running, ...waiting].map((r) => (
              <RequestCard key={r.id} r={r} choices={choices.data} canWork={canWork} after={reload} />
            ))}
          </ul>
        </>
      )}
    </Page>
  );
}

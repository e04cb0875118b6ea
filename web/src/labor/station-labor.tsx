/**
 * Labor on the operator home (issue 18, docs/labor.md): "You are on …" with the time since and a
 * Clock off each, Clock on / Clock off on each operation card, and the indirect activity picker.
 * Loaded lazily (station-labor-lazy.tsx): the first page's JS stays as it was.
 */
import { useEffect, useState } from 'preact/hooks';
import type { LaborEntryView } from '../../../shared/api/labor-schemas.ts';
import { ApiError, api } from '../api.ts';
import { QUALIFICATION_MISSING } from '../api-error.ts';
import { QualificationRefusal } from '../components/qualification-override.tsx';
import { loadReasonLists } from '../reason-lists.ts';
import { ErrorNote, fmtDuration, fmtTime } from '../ui.tsx';

// ---------- What I am on: one read, shared by every part of the screen ----------

let open: LaborEntryView[] | undefined;
let lastError: Error | undefined;
const listeners = new Set<() => void>();
const publish = () => {
  for (const l of listeners) l();
};

export async function refreshMyLabor(): Promise<void> {
  try {
    open = (await api.call('getPersonLabor', { params: { id: 'me' }, query: { from: new Date(Date.now() - 60_000).toISOString() } })).open;
    lastError = undefined;
  } catch (error) {
    lastError = error as Error;
  }
  publish();
}

function useMyLabor() {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((n) => n + 1);
    listeners.add(listener);
    if (open === undefined) void refreshMyLabor();
    // The time since moves on; someone else (a supervisor) may clock me off.
    const timer = setInterval(() => void refreshMyLabor(), 20_000);
    return () => {
      listeners.delete(listener);
      clearInterval(timer);
    };
  }, []);
  return { open, error: lastError };
}

/** Runs a labor command, then reads what I am on again; a refusal is said in plain words. */
function useAct() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      await refreshMyLabor();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

const KIND_WORDS: Record<string, string> = { setup: 'setup', run: 'run', rework: 'rework' };
const what = (e: LaborEntryView) =>
  e.reasonCode !== undefined
    ? (e.reasonName ?? e.reasonCode)
    : `${e.operationName ?? `operation ${e.seq}`} · ${e.materialName ?? ''} (${KIND_WORDS[e.kind ?? 'run']})`;

/** "You are on: …" with the time since, and Clock off each. */
export function StationLaborPanel() {
  const mine = useMyLabor();
  const act = useAct();
  const [, setNow] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return (
    <section class="card labor-panel" aria-labelledby="labor-title" data-testid="labor-panel">
      <h2 id="labor-title" class="subhead">
        My time
      </h2>
      <ErrorNote error={mine.error} />
      {mine.open === undefined ? null : mine.open.length ? (
        <ul class="plain-list labor-on">
          {mine.open.map((e) => (
            <li key={e.entryId} data-testid={`on-${e.entryId}`}>
              <p class="labor-what">
                You are on: <strong>{what(e)}</strong>
                {e.workOrderId ? <span class="muted"> · order {e.workOrderId}</span> : null}
              </p>
              <p class="muted">
                since {fmtTime(e.startedAt)} ({fmtDuration(Date.now() - Date.parse(e.startedAt))})
              </p>
              <button
                type="button"
                class="btn btn-plain labor-big"
                disabled={act.busy}
                onClick={() =>
                  void act.run(() =>
                    e.reasonCode !== undefined
                      ? api.call('clockOffIndirect', { body: {} })
                      : api.call('clockOffOperation', { params: { id: e.workOrderId as string, seq: e.seq as number }, body: {} }),
                  )
                }
              >
                Clock off {e.reasonCode !== undefined ? (e.reasonName ?? e.reasonCode) : (e.operationName ?? 'operation')}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">You are not clocked on anything. Clock on an operation below, or pick an indirect activity.</p>
      )}
      <IndirectPicker act={act} />
      <ErrorNote error={act.error} />
    </section>
  );
}

function IndirectPicker({ act }: { act: ReturnType<typeof useAct> }) {
  const [reasons, setReasons] = useState<{ code: string; name: string }[]>([]);
  const [code, setCode] = useState('');
  useEffect(() => {
    loadReasonLists().then(
      (lists) => setReasons(lists.indirect?.reasons.filter((r) => r.active) ?? []),
      () => setReasons([]),
    );
  }, []);
  if (!reasons.length) return null;
  return (
    <div class="labor-indirect">
      <label for="indirect-reason">Not on an operation? What are you doing:</label>
      <select id="indirect-reason" value={code} onChange={(e) => setCode((e.target as HTMLSelectElement).value)}>
        <option value="">Choose an activity…</option>
        {reasons.map((r) => (
          <option key={r.code} value={r.code}>
            {r.name}
          </option>
        ))}
      </select>
      <button
        type="button"
        class="btn btn-primary labor-big"
        disabled={!code || act.busy}
        onClick={() =>
          void act.run(async () => {
            await api.call('clockOnIndirect', { body: { reasonCode: code } });
            // Done: the picker is ready for the next activity.
            setCode('');
          })
        }
      >
        Clock on {reasons.find((r) => r.code === code)?.name ?? 'activity'}
      </button>
    </div>
  );
}

/** Clock on / Clock off one operation: setup on a READY one, else the operation's own kind. */
export function ClockButtons({ workOrderId, seq, status }: { workOrderId: string; seq: number; status: string }) {
  const mine = useMyLabor();
  const act = useAct();
  if (mine.open === undefined) return null;
  const on = mine.open.find((e) => e.workOrderId === workOrderId && e.seq === seq);
  const refused =
    !on && act.error instanceof ApiError && act.error.type === QUALIFICATION_MISSING && act.error.missing?.length ? act.error.missing : undefined;
  const clockable = status === 'READY' || status === 'RUNNING' || status === 'PAUSED';
  if (!on && !clockable) return null;
  return (
    <div class="labor-clock">
      {on ? (
        <button
          type="button"
          class="btn btn-plain labor-big"
          data-testid={`clock-off-${workOrderId}-${seq}`}
          disabled={act.busy}
          onClick={() => void act.run(() => api.call('clockOffOperation', { params: { id: workOrderId, seq }, body: {} }))}
        >
          Clock off ({KIND_WORDS[on.kind ?? 'run']} since {fmtTime(on.startedAt)})
        </button>
      ) : (
        <button
          type="button"
          class="btn btn-primary labor-big"
          data-testid={`clock-on-${workOrderId}-${seq}`}
          disabled={act.busy}
          onClick={() => void act.run(() => api.call('clockOnOperation', { params: { id: workOrderId, seq }, body: {} }))}
        >
          {status === 'READY' ? 'Clock on for setup' : 'Clock on'}
        </button>
      )}
      {refused ? (
        // Refused for qualifications: who lacks what, and a supervisor's signed override clocks on again with it.
        <QualificationRefusal
          missing={refused}
          action="clock-on"
          what={`operation ${seq} of ${workOrderId}`}
          retry={async (qualificationOverride) => {
            await api.call('clockOnOperation', { params: { id: workOrderId, seq }, body: { qualificationOverride } });
          }}
          after={() => void act.run(async () => undefined)}
        />
      ) : (
        <ErrorNote error={act.error} />
      )}
    </div>
  );
}

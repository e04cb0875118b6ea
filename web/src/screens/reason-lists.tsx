/**
 * `#/reason-lists?list=scrap`: the plant's scrap, pause and hold reasons. Everyone may look;
 * planners and admins add a reason, rename it, or retire it and bring it back (a reason is never
 * removed: records name its code). Each change saves the list at once, with the version on screen
 * as If-Match, so someone else's change meanwhile is said in plain words and nothing is lost.
 */
import type { Reason, ReasonList, ReasonListName } from '../../../shared/api/schemas.ts';
import { REASON_LISTS } from '../../../shared/domain/master-data/reason-lists.ts';
import { PERMISSIONS, type Role } from '../../../shared/domain/roles.ts';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { currentSession } from '../auth.ts';
import { useLive } from '../live.ts';
import { replaceReasonList } from '../reason-lists.ts';
import { queryOf } from '../router.ts';
import { ConfirmAction, ErrorNote, fmtDateTime, Loading, Page } from '../ui.tsx';

const TITLES: Record<ReasonListName, string> = {
  scrap: 'Scrap reasons',
  pause: 'Pause reasons',
  hold: 'Hold reasons',
  defect: 'Defects',
  indirect: 'Indirect activities',
};
const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const mayEdit = (roles: readonly Role[]) => roles.some((r) => (PERMISSIONS.manageMasterData as readonly Role[]).includes(r));

/** What a dialog typed, as a reason: a name is needed, a description may be left empty. */
function readReason(values: Record<string, string>, code: string, active: boolean): Reason {
  const name = (values.name ?? '').trim();
  if (!name) throw new Error('Enter a name: it is what people pick from.');
  const description = (values.description ?? '').trim();
  return { code, name, ...(description ? { description } : {}), active };
}

export default function ReasonLists({ path }: ScreenProps) {
  const asked = queryOf(path).get('list');
  const list: ReasonListName = REASON_LISTS.find((l) => l === asked) ?? 'scrap';
  const live = useLive((signal) => api.call('getReasonList', { params: { list }, signal }), [list], { intervalMs: 10_000 });
  const editor = mayEdit(currentSession()?.roles ?? []);
  const shown = live.data?.list === list ? live.data : undefined;

  const save = async (current: ReasonList, reasons: Reason[]) => {
    const saved = await api.call('putReasonList', { params: { list }, body: { reasons }, ifMatch: current.version });
    replaceReasonList(saved);
  };
  const reload = () => void live.reload();

  return (
    <Page title="Reason lists">
      <nav class="actions" aria-label="Lists">
        {REASON_LISTS.map((l) => (
          <a
            key={l}
            class={`btn ${l === list ? 'btn-primary' : 'btn-plain'}`}
            href={`#/reason-lists?list=${l}`}
            aria-current={l === list ? 'page' : undefined}
          >
            {TITLES[l]}
          </a>
        ))}
      </nav>
      <h2>{TITLES[list]}</h2>
      <ErrorNote error={live.error} />
      {!shown ? (
        <Loading />
      ) : (
        <>
          <p class="muted" data-testid="reason-list-version">
            {shown.isDefault
              ? 'The default list: no one has saved this plant’s own yet.'
              : `Version ${shown.version}, saved ${fmtDateTime(shown.updatedAt)} by ${shown.updatedBy ?? 'someone'}.`}{' '}
            A reason is retired, never removed: records keep naming it.
          </p>
          {editor ? (
            <div class="actions">
              <ConfirmAction
                label="Add a reason"
                title={`Add a ${list} reason`}
                fields={[
                  { name: 'code', label: 'Code (letters, digits, - or _)', type: 'text', required: true },
                  { name: 'name', label: 'Name', type: 'text', required: true },
                  { name: 'description', label: 'Description (optional)', type: 'text' },
                ]}
                run={async (v) => {
                  const code = (v.code ?? '').trim().toUpperCase();
                  if (!CODE.test(code)) throw new Error(`The code "${code}" may hold only letters, digits, dot, - or _ (up to 64), such as BURR.`);
                  if (shown.reasons.some((r) => r.code === code)) throw new Error(`${code} is on the list already: edit it instead.`);
                  await save(shown, [...shown.reasons, readReason(v, code, true)]);
                }}
                after={reload}
              />
            </div>
          ) : null}
          <ul class="cards plain-list" data-testid="reasons">
            {shown.reasons.map((r) => (
              <li key={r.code} class="card" data-testid={`reason-${r.code}`}>
                <h3 class="entry-title">
                  {r.name} <span class="muted">({r.code})</span>
                </h3>
                {r.active ? null : (
                  <p class="badges">
                    <span class="badge state-cancelled">retired</span>
                  </p>
                )}
                {r.description ? <p>{r.description}</p> : null}
                {editor ? (
                  <div class="actions">
                    <ConfirmAction
                      label="Edit"
                      kind="plain"
                      title={`Edit ${r.name} (${r.code})`}
                      question="The code stays: records name it."
                      fields={[
                        { name: 'name', label: 'Name', type: 'text', required: true, initial: r.name },
                        { name: 'description', label: 'Description (optional)', type: 'text', initial: r.description ?? '' },
                      ]}
                      run={(v) =>
                        save(
                          shown,
                          shown.reasons.map((x) => (x.code === r.code ? readReason(v, r.code, r.active) : x)),
                        )
                      }
                      after={reload}
                    />
                    <ConfirmAction
                      label={r.active ? 'Retire' : 'Bring back'}
                      kind={r.active ? 'danger' : 'primary'}
                      title={`${r.active ? 'Retire' : 'Bring back'} ${r.name} (${r.code})`}
                      question={
                        r.active
                          ? 'It is no longer offered for new records; the records that name it keep it and still show its name.'
                          : 'It is offered again for new records.'
                      }
                      run={() =>
                        save(
                          shown,
                          shown.reasons.map((x) => (x.code === r.code ? { ...x, active: !r.active } : x)),
                        )
                      }
                      after={reload}
                    />
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      )}
    </Page>
  );
}

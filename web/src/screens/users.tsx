/**
 * `#/users`: the plant's users for its admins (issue 17; docs/onboarding.md). A list with names
 * and roles in plain words; invite (roles as checkboxes), change roles, disable. A user without
 * an e-mail gets a temporary password, shown here once, to hand over; it is never shown again.
 */
import { useState } from 'preact/hooks';
import { ROLES, type PlantRole } from '../../../shared/domain/roles.ts';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { currentSession } from '../auth.ts';
import { useLive } from '../live.ts';
import { Button, ConfirmAction, ErrorNote, Loading, Page } from '../ui.tsx';

/** What each role means, in the words the people on the floor use. */
const ROLE_WORDS: Record<PlantRole, string> = {
  operator: 'Operator: runs the machines',
  supervisor: 'Supervisor: directs the work',
  planner: 'Planner: plans orders and master data',
  quality: 'Quality: inspects and decides',
  admin: 'Admin: users and settings',
  integration: 'Integration: the ERP system (not a person)',
  maintenance: 'Maintenance: repairs and services the machines',
};
const roleName = (role: PlantRole) => ROLE_WORDS[role].split(':')[0] as string;
const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: ROLE_WORDS[r] }));

function readRoles(text: string | undefined): PlantRole[] {
  const roles = (text ?? '').split(',').filter((r): r is PlantRole => (ROLES as readonly string[]).includes(r));
  if (roles.length === 0) throw new Error('Tick at least one role.');
  return roles;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export default function Users(_props: ScreenProps) {
  const live = useLive((signal) => api.call('listUsers', { query: { limit: 100 }, signal }), [], { intervalMs: 30_000 });
  const [handover, setHandover] = useState<{ name: string; userId: string; password: string } | undefined>();
  const me = currentSession()?.userId;
  const reload = () => void live.reload();

  return (
    <Page title="Users">
      <p class="muted">
        Who may sign in to this plant, and what they may do. People are never deleted: records name them. Disable someone who leaves.
      </p>
      {handover ? (
        <section class="card" role="status" data-testid="temporary-password">
          <h2>Give {handover.name} this password</h2>
          <p>
            Sign-in name: <strong>{handover.userId}</strong>
          </p>
          <p class="one-time-password">{handover.password}</p>
          <p>It is shown only now. Write it down or tell them in person. They choose their own password the first time they sign in.</p>
          <div class="actions">
            <Button kind="primary" onClick={() => setHandover(undefined)}>
              Done, I have handed it over
            </Button>
          </div>
        </section>
      ) : null}
      <div class="actions">
        <ConfirmAction
          label="Invite someone"
          title="Invite someone"
          question="Without an e-mail address you get a password to hand over yourself."
          fields={[
            { name: 'name', label: 'Full name', type: 'text', required: true },
            { name: 'userId', label: 'Sign-in name (letters, digits, dot, - or _)', type: 'text', required: true },
            { name: 'email', label: 'E-mail (optional)', type: 'text' },
            { name: 'roles', label: 'What they may do', type: 'checkboxes', options: ROLE_OPTIONS, initial: 'operator' },
          ]}
          run={async (v) => {
            const userId = (v.userId ?? '').trim();
            const name = (v.name ?? '').trim();
            if (!ID.test(userId)) throw new Error(`"${userId}" cannot be a sign-in name: use letters, digits, dot, - or _, such as piet.jansen.`);
            const email = (v.email ?? '').trim();
            const invited = await api.call('inviteUser', { body: { userId, name, roles: readRoles(v.roles), ...(email ? { email } : {}) } });
            if (invited.temporaryPassword) setHandover({ name, userId, password: invited.temporaryPassword });
          }}
          after={reload}
        />
      </div>
      <ErrorNote error={live.error} />
      {!live.data ? (
        <Loading />
      ) : live.data.items.length === 0 ? (
        <p>No one has been invited yet.</p>
      ) : (
        <ul class="cards plain-list" data-testid="users">
          {live.data.items.map((u) => (
            <li key={u.userId} class="card" data-testid={`user-${u.userId}`}>
              <h3 class="entry-title">
                {u.name} <span class="muted">({u.userId})</span>
              </h3>
              <p class="badges">
                {u.status === 'disabled' ? <span class="badge state-cancelled">disabled</span> : null}
                {u.roles.map((r) => (
                  <span key={r} class="badge">
                    {roleName(r)}
                  </span>
                ))}
              </p>
              {u.email ? <p class="muted">{u.email}</p> : null}
              {u.status === 'active' ? (
                <div class="actions">
                  <ConfirmAction
                    label="Change roles"
                    kind="plain"
                    title={`What may ${u.name} do?`}
                    fields={[{ name: 'roles', label: 'Roles', type: 'checkboxes', options: ROLE_OPTIONS, initial: u.roles.join(',') }]}
                    run={async (v) => {
                      await api.call('setUserRoles', { params: { id: u.userId }, body: { roles: readRoles(v.roles) }, ifMatch: u.version });
                    }}
                    after={reload}
                  />
                  {u.userId === me ? null : (
                    <ConfirmAction
                      label="Disable"
                      kind="danger"
                      title={`Disable ${u.name}?`}
                      question="They can no longer sign in. Their name stays on every record they made."
                      run={async () => {
                        await api.call('disableUser', { params: { id: u.userId } });
                      }}
                      after={reload}
                    />
                  )}
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}

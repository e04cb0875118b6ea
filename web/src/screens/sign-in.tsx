/**
 * The sign-in screen, shown to anyone not signed in. Locally (`npm start`) the local identity
 * provider signs whatever plant, user and role is picked here: a way to try each role. On AWS
 * the Cognito hosted UI asks for the password and the second factor (see cognito.ts).
 */
import { useState } from 'preact/hooks';
import type { Role } from '../../../shared/domain/roles.ts';
import type { ScreenProps } from '../app.tsx';
import { signInLocal } from '../auth.ts';
import { lastSignInError, startSignIn } from '../cognito.ts';
import { type AuthConfig, appConfig } from '../config.ts';
import { navigate } from '../router.ts';
import { Button, Page } from '../ui.tsx';

/** The people roles; `integration` is for ERP systems, which do not sign in here. */
const ROLE_CHOICES: readonly Role[] = ['operator', 'supervisor', 'planner', 'quality', 'admin', 'maintenance', 'org-viewer', 'org-admin'];

export default function SignIn(_props: ScreenProps) {
  const { auth } = appConfig();
  return (
    <Page title="Sign in">
      <div class="sign-in">{auth.mode === 'cognito' ? <HostedSignIn auth={auth} /> : <LocalSignIn />}</div>
    </Page>
  );
}

function HostedSignIn({ auth }: { auth: Extract<AuthConfig, { mode: 'cognito' }> }) {
  const [error, setError] = useState(lastSignInError());
  const [busy, setBusy] = useState(false);
  const start = () => {
    setBusy(true);
    startSignIn(auth).catch((failure: Error) => {
      setError(`Could not start the sign-in: ${failure.message}`);
      setBusy(false);
    });
  };
  return (
    <>
      <p>Sign in with your MES account. You will be asked for your password and the code from your authenticator app.</p>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <Button kind="primary" onClick={start} disabled={busy}>
        Sign in
      </Button>
    </>
  );
}

function LocalSignIn() {
  const [tenantId, setTenantId] = useState('demo');
  const [userId, setUserId] = useState('p-sam');
  const [role, setRole] = useState<Role>('supervisor');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signInLocal({ tenantId: tenantId.trim(), userId: userId.trim(), roles: [role] });
      navigate('/');
    } catch (failure) {
      setError(`Not signed in: ${(failure as Error).message}. Check the plant and user names (letters, digits, - and _).`);
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit}>
      <p class="muted">Local runtime: pick a plant, a user and a role. No password; the local identity provider signs the token.</p>
      <label class="field">
        <span>Plant (tenant)</span>
        <input
          name="tenantId"
          required
          autoComplete="organization"
          autoCapitalize="none"
          spellcheck={false}
          value={tenantId}
          onInput={(e) => setTenantId((e.target as HTMLInputElement).value)}
        />
      </label>
      <label class="field">
        <span>User</span>
        <input
          name="userId"
          required
          autoComplete="username"
          autoCapitalize="none"
          spellcheck={false}
          value={userId}
          onInput={(e) => setUserId((e.target as HTMLInputElement).value)}
        />
      </label>
      <label class="field">
        <span>Role</span>
        <select name="role" value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value as Role)}>
          {ROLE_CHOICES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <Button type="submit" kind="primary" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}

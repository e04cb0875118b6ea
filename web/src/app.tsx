/**
 * The app shell: who is signed in, the connection banner (stale data with its age), the
 * navigation, and the screen for the current hash route. Screens live in screens/, one file each.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { currentSession, onSessionChange, signOut } from './auth.ts';
import { appConfig } from './config.ts';
import { useConnection } from './live.ts';
import { match, navigate, useRoute } from './router.ts';
import { fmtDuration } from './ui.tsx';
import SignIn from './screens/sign-in.tsx';
import Plant from './screens/plant.tsx';
import Dispatch from './screens/dispatch.tsx';
import WorkOrders from './screens/work-orders.tsx';
import WorkOrder from './screens/work-order.tsx';
import History from './screens/history.tsx';
import Downtime from './screens/downtime.tsx';
import Oee from './screens/oee.tsx';
import ReasonLists from './screens/reason-lists.tsx';
import { PERMISSIONS } from '../../shared/domain/roles.ts';

export interface ScreenProps {
  params: Record<string, string>;
  /** The full hash path, with its query. */
  path: string;
}

/** Most specific first. */
const SCREENS: [string, ComponentType<ScreenProps>][] = [
  ['/', Plant],
  ['/dispatch', Dispatch],
  ['/dispatch/:workCenterId', Dispatch],
  ['/orders', WorkOrders],
  ['/orders/:id/history', History],
  ['/orders/:id', WorkOrder],
  ['/downtime', Downtime],
  ['/oee', Oee],
  ['/reason-lists', ReasonLists],
];

const NAV = [
  ['/', 'Plant'],
  ['/dispatch', 'Dispatch'],
  ['/orders', 'Orders'],
  ['/downtime', 'Downtime'],
  ['/oee', 'OEE'],
  ['/reason-lists', 'Reasons'],
] as const;
/** Tabs only some roles need (everyone may still open them). */
const NAV_FOR: Partial<Record<(typeof NAV)[number][0], readonly string[]>> = { '/reason-lists': PERMISSIONS.manageMasterData };

function ConnectionBanner() {
  const connection = useConnection();
  if (connection.online) return null;
  return (
    <div class="banner-stale" role="status">
      Connection lost. Showing what was known {fmtDuration(connection.ageMs)} ago. Actions are off until it is back; reconnecting…
    </div>
  );
}

export function App() {
  const path = useRoute();
  const [session, setSession] = useState(currentSession());
  useEffect(() => onSessionChange(() => setSession(currentSession())), []);

  if (!session || path.startsWith('/sign-in')) return <SignIn params={{}} path={path} />;
  const bare = path.split('?')[0] ?? '/';
  const found = SCREENS.map(([pattern, screen]) => [match(pattern, bare), screen] as const).find(([params]) => params);
  const [params, Screen] = found ?? [{}, Plant];
  const section = NAV.filter(([to]) => (to === '/' ? bare === '/' : bare.startsWith(to))).at(-1)?.[0];
  return (
    <div class="app">
      <header class="top">
        <a class="brand" href="#/">
          MES
        </a>
        <span class="who">
          {session.name} · {session.roles.join(', ')} · {session.tenantId}
        </span>
        <button
          type="button"
          class="btn btn-plain"
          onClick={() => {
            signOut();
            const auth = appConfig().auth;
            // On AWS the hosted UI's session ends too, or the next sign-in would skip the password.
            if (auth.mode === 'cognito')
              location.assign(
                `${auth.domain}/logout?client_id=${encodeURIComponent(auth.clientId)}&logout_uri=${encodeURIComponent(`${location.origin}/`)}`,
              );
            else navigate('/sign-in');
          }}
        >
          Sign out
        </button>
      </header>
      <ConnectionBanner />
      <nav class="tabs" aria-label="Screens">
        {NAV.filter(([to]) => !NAV_FOR[to] || session.roles.some((r) => NAV_FOR[to]?.includes(r))).map(([to, label]) => (
          <a key={to} href={`#${to}`} aria-current={section === to ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      <Screen params={params ?? {}} path={path} />
    </div>
  );
}

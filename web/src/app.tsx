/**
 * The app shell: who is signed in, the connection banner (stale data with its age), the
 * navigation, and the screen for the current hash route. Screens live in screens/, one file each.
 */
import type { ComponentType } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { currentSession, isOperatorOnly, onSessionChange, signOut } from './auth.ts';
import { appConfig } from './config.ts';
import { useConnection } from './live.ts';
import { match, navigate, useRoute } from './router.ts';
import { DialogHost, fmtDuration, Loading } from './ui.tsx';
import { api } from './api.ts';
import { personName, setPlantContext, usePlantContext } from './plant.ts';
import { loadEquipment } from './components/plant-equipment.tsx';
import SignIn from './screens/sign-in.tsx';
import Plant from './screens/plant.tsx';
import Dispatch from './screens/dispatch.tsx';
import WorkOrders from './screens/work-orders.tsx';
import WorkOrder from './screens/work-order.tsx';
import { PERMISSIONS } from '../../shared/domain/roles.ts';
import Station from './screens/station.tsx';

export interface ScreenProps {
  params: Record<string, string>;
  /** The full hash path, with its query. */
  path: string;
}

/**
 * A screen loaded on first use (its own chunk, outside the first page load's JS): the quality
 * screens (issue 15), which the operator home does not need.
 */
function lazyScreen(load: () => Promise<{ default: ComponentType<ScreenProps> }>): ComponentType<ScreenProps> {
  let Loaded: ComponentType<ScreenProps> | undefined;
  let loading: Promise<void> | undefined;
  return function LazyScreen(props: ScreenProps) {
    const [failed, setFailed] = useState(false);
    const [, setReady] = useState(false);
    useEffect(() => {
      if (Loaded) return;
      loading ??= load().then((m) => {
        Loaded = m.default;
      });
      loading.then(
        () => setReady(true),
        () => {
          loading = undefined;
          setFailed(true);
        },
      );
    }, []);
    if (Loaded) return <Loaded {...props} />;
    return failed ? (
      <main class="page">
        <p class="error" role="alert">
          This screen could not load (no connection when it was first opened). Try again when the connection is back.
        </p>
      </main>
    ) : (
      <main class="page">
        <Loading />
      </main>
    );
  };
}
// Screens neither home needs (the plant overview, the operator's station, the orders): each in
// its own chunk, so the first page load carries only what the first screen shows (bench section 5).
const History = lazyScreen(() => import('./screens/history.tsx'));
const Downtime = lazyScreen(() => import('./screens/downtime.tsx'));
const Oee = lazyScreen(() => import('./screens/oee.tsx'));
const ReasonLists = lazyScreen(() => import('./screens/reason-lists.tsx'));
const Trace = lazyScreen(() => import('./screens/trace.tsx'));
const Lot = lazyScreen(() => import('./screens/lot.tsx'));
const Serial = lazyScreen(() => import('./screens/lot.tsx').then((m) => ({ default: m.Serial })));
const Quality = lazyScreen(() => import('./screens/quality.tsx'));
const Nonconformance = lazyScreen(() => import('./screens/nonconformance.tsx'));
const Characteristic = lazyScreen(() => import('./screens/characteristic.tsx'));
const BatchRecord = lazyScreen(() => import('./screens/record.tsx'));
const DocumentScreen = lazyScreen(() => import('./screens/document.tsx'));
const DocumentVersions = lazyScreen(() => import('./screens/document-versions.tsx'));
const Users = lazyScreen(() => import('./screens/users.tsx'));
// An organization's users (issue 17) see only this; plant users never load it.
const Organization = lazyScreen(() => import('./screens/organization.tsx'));
const Devices = lazyScreen(() => import('./screens/devices.tsx'));
// issue 18: labor
const OnTheFloor = lazyScreen(() => import('./screens/on-the-floor.tsx'));
// issue 18: qualifications (supervisors: missing and expiring, per person; granting them)
const Qualifications = lazyScreen(() => import('./screens/qualifications.tsx'));
// issue 18: maintenance
const Maintenance = lazyScreen(() => import('./screens/maintenance.tsx'));

/** Most specific first. */
const SCREENS: [string, ComponentType<ScreenProps>][] = [
  ['/', Plant],
  ['/dispatch', Dispatch],
  ['/dispatch/:workCenterId', Dispatch],
  ['/orders', WorkOrders],
  ['/orders/:id/history', History],
  ['/orders/:id/record', BatchRecord],
  ['/orders/:id', WorkOrder],
  ['/downtime', Downtime],
  ['/oee', Oee],
  ['/reason-lists', ReasonLists],
  ['/trace', Trace],
  ['/station', Station],
  ['/station/:workCenterId', Station],
  ['/lots/:id', Lot],
  ['/serials/:id', Serial],
  ['/quality', Quality],
  ['/nonconformances/:id', Nonconformance],
  ['/characteristics/:id', Characteristic],
  ['/documents/:id/versions', DocumentVersions],
  ['/documents/:id', DocumentScreen],
  ['/users', Users],
  ['/devices', Devices],
  // issue 18: labor
  ['/floor', OnTheFloor],
  // issue 18: qualifications
  ['/qualifications', Qualifications],
  // issue 18: maintenance
  ['/maintenance', Maintenance],
];

const NAV = [
  ['/station', 'My station'],
  ['/', 'Plant'],
  ['/dispatch', 'Dispatch'],
  ['/orders', 'Orders'],
  ['/trace', 'Trace'],
  ['/quality', 'Quality'],
  ['/downtime', 'Downtime'],
  ['/oee', 'OEE'],
  ['/reason-lists', 'Reasons'],
  ['/users', 'Users'],
  ['/devices', 'Devices'],
  // issue 18: labor
  ['/floor', 'On the floor'],
  // issue 18: qualifications
  ['/qualifications', 'Qualifications'],
  // issue 18: maintenance
  ['/maintenance', 'Maintenance'],
] as const;
/** Tabs only some roles need (everyone may still open them). */
const NAV_FOR: Partial<Record<(typeof NAV)[number][0], readonly string[]>> = {
  '/reason-lists': PERMISSIONS.manageMasterData,
  '/users': PERMISSIONS.manageUsers,
  '/devices': PERMISSIONS.manageDevices,
  // issue 18: labor
  '/floor': PERMISSIONS.superviseWorkOrder,
  // issue 18: qualifications
  '/qualifications': PERMISSIONS.manageQualifications,
  // issue 18: maintenance
  '/maintenance': PERMISSIONS.workMaintenance,
};

function ConnectionBanner() {
  const connection = useConnection();
  if (connection.online) return null;
  return (
    <div class="banner-stale" role="status">
      Connection lost. Showing what was known {fmtDuration(connection.ageMs)} ago. Actions are off until it is back; reconnecting…
    </div>
  );
}

/**
 * Reads once per sign-in what every screen formats with (plant.ts): the shift calendar's time
 * zone, the names of people and materials. Each part that fails leaves the fallback (the
 * browser's zone, the ids) and is asked again later.
 */
function useLoadPlantContext(tenantId: string | undefined) {
  useEffect(() => {
    if (!tenantId) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      const [calendar, people, materials, equipment] = await Promise.allSettled([
        api.call('getShiftCalendar', {}),
        api.allPages('listPersonnel'),
        api.allPages('listMaterials'),
        loadEquipment(),
      ]);
      if (stopped) return;
      const site =
        equipment.status === 'fulfilled'
          ? (equipment.value.find((e) => e.level === 'site') ?? equipment.value.find((e) => e.level === 'enterprise'))
          : undefined;
      setPlantContext({
        ...(calendar.status === 'fulfilled' && calendar.value.timeZone ? { timeZone: calendar.value.timeZone } : {}),
        ...(site ? { siteName: site.name } : {}),
        ...(people.status === 'fulfilled' ? { people: new Map(people.value.map((p) => [p.id, p.name])) } : {}),
        ...(materials.status === 'fulfilled' ? { materials: new Map(materials.value.map((m) => [m.id, m.name])) } : {}),
      });
      // Master data changes rarely: names are read again every five minutes.
      timer = setTimeout(() => void load(), 300_000);
    };
    // After the first screen has its data: these requests must not slow its first render.
    timer = setTimeout(() => void load(), 1_000);
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [tenantId]);
}

/** The signed-in person's name and the plant (the site in the equipment hierarchy), instead of ids. */
function Who({ userId, name }: { userId: string; name: string }) {
  const plant = usePlantContext();
  const known = personName(userId);
  return (
    <span class="who" data-testid="who">
      {known !== userId ? known : name}
      {plant.siteName ? <span class="who-plant"> · {plant.siteName}</span> : null}
    </span>
  );
}

export function App() {
  const path = useRoute();
  const [session, setSession] = useState(currentSession());
  useEffect(() => onSessionChange(() => setSession(currentSession())), []);
  // An organization's users (issue 17) have no plant of their own: no plant context, no plant screens.
  const orgUser = session?.tenantId.startsWith('org-') ?? false;
  useLoadPlantContext(orgUser ? undefined : session?.tenantId);

  if (!session || path.startsWith('/sign-in')) return <SignIn params={{}} path={path} />;
  if (orgUser) return <OrganizationShell path={path} />;
  const bare = path.split('?')[0] ?? '/';
  const found = SCREENS.map(([pattern, screen]) => [match(pattern, bare), screen] as const).find(([params]) => params);
  const home = isOperatorOnly(session.roles) ? Station : Plant;
  const [params, Screen] = bare === '/' ? [{}, home] : (found ?? [{}, home]);
  const onStation = Screen === Station;
  const under = /^\/(nonconformances|characteristics)\//.test(bare) ? '/quality' : bare;
  const section = onStation ? '/station' : NAV.filter(([to]) => (to === '/' ? under === '/' : under.startsWith(to))).at(-1)?.[0];
  return (
    <div class="app">
      <header class="top">
        <a class="brand" href="#/">
          MES
        </a>
        <Who userId={session.userId} name={session.name} />
        <SignOutButton />
      </header>
      <ConnectionBanner />
      <ScreenTabs roles={session.roles} section={section} />
      <Screen params={params ?? {}} path={path} />
      <DialogHost path={bare} />
    </div>
  );
}

/**
 * The screens' tab strip. On a phone it scrolls sideways: the current screen's tab is scrolled
 * into sight, or an admin on Users or Devices would not see where they are.
 */
function ScreenTabs({ roles, section }: { roles: readonly string[]; section: string | undefined }) {
  const nav = useRef<HTMLElement>(null);
  useEffect(() => {
    nav.current?.querySelector('[aria-current="page"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [section]);
  return (
    <nav class="tabs" aria-label="Screens" ref={nav}>
      {NAV.filter(([to]) => !NAV_FOR[to] || roles.some((r) => NAV_FOR[to]?.includes(r))).map(([to, label]) => (
        <a key={to} href={`#${to}`} aria-current={section === to ? 'page' : undefined}>
          {label}
        </a>
      ))}
    </nav>
  );
}

/** Signs out; on AWS the hosted UI's session ends too, or the next sign-in would skip the password. */
function SignOutButton() {
  return (
    <button
      type="button"
      class="btn btn-plain"
      onClick={() => {
        signOut();
        const auth = appConfig().auth;
        if (auth.mode === 'cognito')
          location.assign(
            `${auth.domain}/logout?client_id=${encodeURIComponent(auth.clientId)}&logout_uri=${encodeURIComponent(`${location.origin}/`)}`,
          );
        else navigate('/sign-in');
      }}
    >
      Sign out
    </button>
  );
}

/** An organization user's app: who is signed in and the organization home, read-only. */
function OrganizationShell({ path }: { path: string }) {
  return (
    <div class="app">
      <header class="top">
        <a class="brand" href="#/">
          MES
        </a>
        <span class="who" data-testid="who">
          {currentSession()?.name}
        </span>
        <SignOutButton />
      </header>
      <ConnectionBanner />
      <Organization params={{}} path={path} />
    </div>
  );
}

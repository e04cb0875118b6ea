/**
 * The plant's scrap, pause and hold reason lists (route getReasonLists), shared by every screen:
 * dialogs offer them as pick lists, and stored codes are shown by their names. Read once per page
 * load and kept for the tab's session (sessionStorage, per plant), so a reload or a lost
 * connection still has them; a failed read is tried again by the next screen that asks, and a
 * list the editor saved replaces the copy at once.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ReasonList, ReasonListName } from '../../shared/api/schemas.ts';
import { api } from './api.ts';
import { currentSession } from './auth.ts';

export type ReasonLists = Record<ReasonListName, ReasonList>;

const STORE = 'mes.reasonLists';

/** The lists of one plant, as last read. */
let kept: { tenantId: string; lists: ReasonLists } | undefined = (() => {
  try {
    return JSON.parse(sessionStorage.getItem(STORE) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
})();
/** The plant whose lists this page load has read from the API (once is enough). */
let readFor: string | undefined;
let loading: Promise<ReasonLists> | undefined;
const listeners = new Set<(lists: ReasonLists) => void>();

const tenantId = () => currentSession()?.tenantId;
/** The signed-in plant's lists, when known: never another plant's. */
const known = () => (kept && kept.tenantId === tenantId() ? kept.lists : undefined);

function publish(tenant: string, lists: ReasonLists): void {
  kept = { tenantId: tenant, lists };
  try {
    sessionStorage.setItem(STORE, JSON.stringify(kept));
  } catch {
    // Storage full or refused: the lists still serve this page load.
  }
  for (const listener of listeners) listener(lists);
}

/** The lists, read from the API once per page load and plant. */
export function loadReasonLists(): Promise<ReasonLists> {
  const tenant = tenantId() ?? '';
  const lists = known();
  if (lists && readFor === tenant) return Promise.resolve(lists);
  loading ??= api.call('getReasonLists', {}).then(
    (loaded) => {
      loading = undefined;
      readFor = tenant;
      publish(tenant, loaded);
      return loaded;
    },
    (error: unknown) => {
      loading = undefined; // the next screen tries again
      throw error;
    },
  );
  return loading;
}

/** A list the editor saved: every screen shows it from now on. */
export function replaceReasonList(saved: ReasonList): void {
  const lists = known();
  const tenant = tenantId();
  if (lists && tenant) publish(tenant, { ...lists, [saved.list]: saved });
}

/** The lists, undefined until first read (or when they could not be read: `error` says why). */
export function useReasonLists(): { lists: ReasonLists | undefined; error: Error | undefined } {
  const [state, setState] = useState<{ lists: ReasonLists | undefined; error: Error | undefined }>(() => ({ lists: known(), error: undefined }));
  useEffect(() => {
    const listener = (next: ReasonLists) => setState({ lists: next, error: undefined });
    listeners.add(listener);
    // Kept lists serve at once; a failed refresh keeps them. The answer is taken here too: lists
    // read after this component's first render but before its listener was added would be missed.
    loadReasonLists().then(
      (lists) => setState((s) => (s.lists === lists ? s : { lists, error: undefined })),
      (error: Error) => setState((s) => ({ lists: s.lists ?? known(), error })),
    );
    return () => void listeners.delete(listener);
  }, []);
  return state;
}

/** The reason's name, or the code itself when the list does not know it (records from before the lists). */
export function reasonName(all: ReasonLists | undefined, list: ReasonListName, code: string): string {
  return all?.[list].reasons.find((r) => r.code === code)?.name ?? code;
}

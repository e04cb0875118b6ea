/**
 * The plant's scrap, pause and hold reason lists (route getReasonLists), loaded once per session
 * and shared by every screen: dialogs offer them as pick lists, and stored codes are shown by
 * their names. A failed load is tried again by the next screen that asks; a saved list replaces
 * the session's copy.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ReasonList, ReasonListName } from '../../shared/api/schemas.ts';
import { api } from './api.ts';

export type ReasonLists = Record<ReasonListName, ReasonList>;

let lists: ReasonLists | undefined;
let loading: Promise<ReasonLists> | undefined;
const listeners = new Set<(lists: ReasonLists) => void>();

function publish(next: ReasonLists): void {
  lists = next;
  for (const listener of listeners) listener(next);
}

/** The lists, from the session's copy once loaded. */
export function loadReasonLists(): Promise<ReasonLists> {
  if (lists) return Promise.resolve(lists);
  loading ??= api.call('getReasonLists', {}).then(
    (loaded) => {
      publish(loaded);
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
  if (lists) publish({ ...lists, [saved.list]: saved });
}

/** The lists, undefined while they load (or when they could not be loaded: `error` says why). */
export function useReasonLists(): { lists: ReasonLists | undefined; error: Error | undefined } {
  const [state, setState] = useState<{ lists: ReasonLists | undefined; error: Error | undefined }>({ lists, error: undefined });
  useEffect(() => {
    const listener = (next: ReasonLists) => setState({ lists: next, error: undefined });
    listeners.add(listener);
    if (!lists) loadReasonLists().catch((error: Error) => setState((s) => ({ ...s, error })));
    return () => void listeners.delete(listener);
  }, []);
  return state;
}

/** The reason's name, or the code itself when the list does not know it (records from before the lists). */
export function reasonName(all: ReasonLists | undefined, list: ReasonListName, code: string): string {
  return all?.[list].reasons.find((r) => r.code === code)?.name ?? code;
}

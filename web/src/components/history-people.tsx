/**
 * Names for the user ids an audit trail or a reason assignment records ("p-sam" → "Sam Jansen"),
 * from the personnel list, read once per screen. Unknown ids (an ERP, a retired account, the
 * MES itself) show as they are, so nothing is hidden.
 */
import { api } from '../api.ts';
import { useLive } from '../live.ts';

export function usePeople(): (userId: string) => string {
  const people = useLive(async () => new Map((await api.allPages('listPersonnel')).map((p) => [p.id, p.name])), [], { intervalMs: 0 });
  return (userId) => people.data?.get(userId) ?? userId;
}

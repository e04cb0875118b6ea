/**
 * Names for the user ids an audit trail or a reason assignment records ("p-sam" → "Sam Jansen"),
 * from the personnel list, read once per screen. Unknown ids (an ERP, a retired account, the
 * MES itself) show as they are, so nothing is hidden.
 */
import type { Personnel } from '../../../shared/api/schemas.ts';
import { allPages } from '../api.ts';
import { useLive } from '../live.ts';

export function usePeople(): (userId: string) => string {
  const people = useLive(async () => new Map((await allPages<Personnel>('/v1/personnel')).map((p) => [p.id, p.name])), [], { intervalMs: 0 });
  return (userId) => people.data?.get(userId) ?? userId;
}

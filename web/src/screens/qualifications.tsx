/**
 * `#/qualifications` (issue 18; docs/qualifications.md): for supervisors, what needs attention
 * (qualifications expired, so missing now, and those expiring within 30 days), per person and
 * soonest first, in plain words; and a person's qualifications, granted, renewed or taken away
 * with pick lists (qualification, level) and date pickers.
 */
import { useState } from 'preact/hooks';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { useLive } from '../live.ts';
import { fmtDate } from '../plant.ts';
import { ConfirmAction, ErrorNote, Loading, Page } from '../ui.tsx';

type Definition = {
  id: string;
  name: string;
  kind: string;
  levels?: { level: number; name: string }[] | undefined;
  validityMonths?: number | undefined;
};
type Held = {
  qualificationId: string;
  level?: number | undefined;
  grantedAt: string;
  expiresAt?: string | undefined;
  documentVersion?: number | undefined;
  evidence?: string | undefined;
};

const DAY = 86_400_000;
const KIND_WORDS: Record<string, string> = { skill: 'Skill', training: 'Training', certification: 'Certification' };

function whenWords(expiresAt: string | undefined, now = Date.now()) {
  if (!expiresAt) return 'does not expire';
  const days = Math.ceil((new Date(expiresAt).getTime() - now) / DAY);
  if (days <= 0) return `expired on ${fmtDate(expiresAt)}`;
  return `expires on ${fmtDate(expiresAt)} (in ${days} day${days === 1 ? '' : 's'})`;
}

const levelName = (def: Definition | undefined, level: number | undefined) => {
  const named = def?.levels?.find((l) => l.level === (level ?? 1));
  return def?.levels?.length ? `level ${level ?? 1}${named ? ` (${named.name})` : ''}` : '';
};

/** A calendar date from the picker as the start of that day here. */
const dayStart = (date: string) => new Date(`${date}T00:00:00`).toISOString();
const today = () => new Date().toISOString().slice(0, 10);

function Attention() {
  const live = useLive((signal) => api.call('getExpiringQualifications', { query: { withinDays: 30 }, signal }), [], { intervalMs: 60_000 });
  if (!live.data) return live.error ? <ErrorNote error={live.error} /> : <Loading />;
  const items = live.data.items;
  const people = [...new Set(items.map((i) => i.personnelId))];
  return (
    <section data-testid="qualifications-attention">
      <h2>Needs attention</h2>
      {items.length === 0 ? (
        <p>Nothing expired, and nothing expires in the next 30 days.</p>
      ) : (
        <ul class="cards plain-list">
          {people.map((id) => {
            const mine = items.filter((i) => i.personnelId === id);
            return (
              <li key={id} class="card" data-testid={`attention-${id}`}>
                <h3 class="entry-title">{mine[0]?.personName}</h3>
                <ul class="plain-list">
                  {mine.map((i) => (
                    <li key={i.qualificationId} class={i.expired ? 'error' : 'warning'}>
                      {i.qualificationName} {whenWords(i.expiresAt)}
                      {i.expired ? ': missing now, work that requires it is refused' : ''}
                    </li>
                  ))}
                </ul>
              </li>
            );
          })}
        </ul>
      )}
      <ErrorNote error={live.error} />
    </section>
  );
}

function PersonQualifications({ personnelId, definitions }: { personnelId: string; definitions: Definition[] }) {
  const live = useLive((signal) => api.call('getPersonQualifications', { params: { id: personnelId }, signal }), [personnelId], {
    intervalMs: 60_000,
  });
  const reload = () => void live.reload();
  if (!live.data) return live.error ? <ErrorNote error={live.error} /> : <Loading />;
  const set = live.data;
  const defOf = (id: string) => definitions.find((d) => d.id === id);
  const save = (qualifications: Held[]) =>
    api.call('putPersonQualifications', { params: { id: personnelId }, body: { qualifications }, ...(set.version ? { ifMatch: set.version } : {}) });
  const maxLevel = Math.max(1, ...definitions.map((d) => d.levels?.length ?? 1));
  return (
    <section class="card" data-testid="person-qualifications">
      <h3 class="entry-title">{set.personName}</h3>
      {set.qualifications.length === 0 ? <p>No qualifications recorded.</p> : null}
      <ul class="plain-list">
        {[...set.qualifications]
          .sort((a, b) => (a.expiresAt ?? '9').localeCompare(b.expiresAt ?? '9'))
          .map((q) => {
            const def = defOf(q.qualificationId);
            const expired = q.expiresAt !== undefined && new Date(q.expiresAt).getTime() <= Date.now();
            return (
              <li key={q.qualificationId} class="held" data-testid={`held-${q.qualificationId}`}>
                <p>
                  <strong>{def?.name ?? q.qualificationId}</strong> {levelName(def, q.level)}
                  {q.documentVersion ? ` (trained on version ${q.documentVersion})` : ''}
                </p>
                <p class={expired ? 'error' : 'muted'}>
                  Granted {fmtDate(q.grantedAt)}, {whenWords(q.expiresAt)}
                  {q.evidence ? `. ${q.evidence}` : ''}
                </p>
                <ConfirmAction
                  label="Take away"
                  kind="plain"
                  title={`Take ${def?.name ?? q.qualificationId} away from ${set.personName}?`}
                  question="Work that requires it is refused to them from now on. The change is recorded."
                  run={async () => {
                    await save(set.qualifications.filter((x) => x.qualificationId !== q.qualificationId));
                  }}
                  after={reload}
                />
              </li>
            );
          })}
      </ul>
      <div class="actions">
        <ConfirmAction
          label="Grant or renew"
          title={`Grant or renew a qualification of ${set.personName}`}
          question="Leave the expiry date empty to use the qualification's usual validity."
          fields={[
            {
              name: 'qualificationId',
              label: 'Qualification',
              type: 'select',
              required: true,
              options: definitions.map((d) => ({ value: d.id, label: `${d.name} (${KIND_WORDS[d.kind] ?? d.kind})` })),
            },
            {
              name: 'level',
              label: 'Level',
              type: 'select',
              required: true,
              initial: '1',
              options: Array.from({ length: maxLevel }, (_, i) => ({ value: String(i + 1), label: `Level ${i + 1}` })),
            },
            { name: 'grantedAt', label: 'Granted on', type: 'date', required: true, initial: today() },
            { name: 'expiresAt', label: 'Expires on (optional)', type: 'date' },
            { name: 'evidence', label: 'Evidence or comment (optional)', type: 'text' },
          ]}
          run={async (v) => {
            const def = defOf(v.qualificationId ?? '');
            if (!def) throw new Error('Choose a qualification from the list.');
            const level = Number(v.level ?? '1');
            const top = def.levels?.length ?? 1;
            if (level > top) throw new Error(`${def.name} has ${top === 1 ? 'one level only' : `levels 1 to ${top}`}: choose one of those.`);
            if (v.expiresAt && v.grantedAt && v.expiresAt <= v.grantedAt) throw new Error('The expiry date must come after the date it was granted.');
            const evidence = (v.evidence ?? '').trim();
            const held: Held = {
              qualificationId: def.id,
              ...(def.levels?.length ? { level } : {}),
              grantedAt: dayStart(v.grantedAt ?? today()),
              ...(v.expiresAt ? { expiresAt: dayStart(v.expiresAt) } : {}),
              ...(evidence ? { evidence } : {}),
            };
            await save([...set.qualifications.filter((x) => x.qualificationId !== def.id), held]);
          }}
          after={reload}
        />
      </div>
      <ErrorNote error={live.error} />
    </section>
  );
}

export default function Qualifications(_props: ScreenProps) {
  const lists = useLive(
    async () => {
      const [people, definitions] = await Promise.all([api.allPages('listPersonnel'), api.allPages('listQualifications')]);
      return { people: people.filter((p) => p.active).sort((a, b) => a.name.localeCompare(b.name)), definitions: definitions as Definition[] };
    },
    [],
    { intervalMs: 120_000 },
  );
  const [personnelId, setPersonnelId] = useState('');
  return (
    <Page title="Qualifications">
      <p class="muted">
        Who may do which work. An operation that requires a qualification someone lacks is refused to them, unless a supervisor overrides it.
      </p>
      <Attention />
      <section>
        <h2>A person's qualifications</h2>
        {!lists.data ? (
          lists.error ? (
            <ErrorNote error={lists.error} />
          ) : (
            <Loading />
          )
        ) : (
          <>
            <div class="field">
              <label for="qualifications-person">Whose qualifications?</label>
              <select id="qualifications-person" value={personnelId} onChange={(e) => setPersonnelId((e.target as HTMLSelectElement).value)}>
                <option value="">Choose a person…</option>
                {lists.data.people.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </div>
            {personnelId ? <PersonQualifications personnelId={personnelId} definitions={lists.data.definitions} /> : null}
          </>
        )}
      </section>
    </Page>
  );
}

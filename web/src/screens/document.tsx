/**
 * A controlled document, readable on a phone (`#/documents/<id>`; issue 16): the version in
 * force, its steps one per line in large type, its links; from an order's operation
 * (`?released=N`) it says when the version in force is not the one the order was released
 * with. Authors (quality, admin, planner) get a link to the versions page.
 */
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { currentSession } from '../auth.ts';
import { kindWords } from '../components/work-instructions.tsx';
import { useLive } from '../live.ts';
import { queryOf } from '../router.ts';
import { ErrorNote, fmtDate, Loading, Page } from '../ui.tsx';
import { PERMISSIONS } from '../../../shared/domain/roles.ts';

export const isAuthor = () => (currentSession()?.roles ?? []).some((r) => (PERMISSIONS.authorDocuments as readonly string[]).includes(r));

export default function DocumentScreen({ params, path }: ScreenProps) {
  const id = params.id ?? '';
  const released = Number(queryOf(path).get('released') ?? '') || undefined;
  const doc = useLive((signal) => api.call('getDocument', { params: { id }, query: {}, signal }), [id], { intervalMs: 60_000 });
  const d = doc.data?.document;
  return (
    <Page
      title={d ? d.title : `Document ${id}`}
      actions={
        isAuthor() ? (
          <a class="btn" href={`#/documents/${encodeURIComponent(id)}/versions`}>
            All versions
          </a>
        ) : null
      }
    >
      <ErrorNote error={doc.error} />
      {!d ? (
        doc.error ? null : (
          <Loading />
        )
      ) : (
        <article class="document" data-testid="document">
          <p class="doc-meta">
            {kindWords(d.kind)} · version {d.version}
            {d.effectiveFrom ? `, effective ${fmtDate(d.effectiveFrom)}` : ''}
            {d.status === 'effective' ? '' : ` · ${d.status.replace('-', ' ')}`}
          </p>
          {released && released !== d.version ? (
            <p class="notice" role="status">
              This order was released with version {released}. Version {d.version} is in force now: ask your supervisor which one to work to.
            </p>
          ) : null}
          <ol class="doc-steps">
            {d.body
              .split('\n')
              .map((line) => line.trim())
              .filter(Boolean)
              .map((line, i) => (
                <li key={i}>{line.replace(/^\d+[.)]\s*/, '')}</li>
              ))}
          </ol>
          {d.attachments.length ? (
            <ul class="doc-links">
              {d.attachments.map((a) => (
                <li key={a.url}>
                  <a href={a.url} target="_blank" rel="noopener noreferrer">
                    {a.title}
                  </a>
                </li>
              ))}
            </ul>
          ) : null}
        </article>
      )}
    </Page>
  );
}

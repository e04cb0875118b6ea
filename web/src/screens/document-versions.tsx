/**
 * A controlled document's versions (`#/documents/<id>/versions`; issue 16), for authors
 * (quality, admin, planner): each version newest first with its status in words (draft, in
 * review, approved, effective, superseded, withdrawn), who wrote it and why, when it takes or
 * took effect, and its signatures; a draft is sent for review here, and quality approves a
 * version in review by signing it.
 */
import { Fragment } from 'preact';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { SignDialog } from '../components/sign-dialog.tsx';
import { currentSession } from '../auth.ts';
import { kindWords } from '../components/work-instructions.tsx';
import { useLive } from '../live.ts';
import { personName } from '../plant.ts';
import { ConfirmAction, ErrorNote, fmtDate, fmtDateTime, Loading, Page } from '../ui.tsx';
import { PERMISSIONS } from '../../../shared/domain/roles.ts';

const STATUS_WORDS: Record<string, string> = {
  draft: 'Draft',
  'in-review': 'In review',
  approved: 'Approved, not yet in force',
  effective: 'In force',
  superseded: 'Superseded',
  withdrawn: 'Withdrawn',
};

export default function DocumentVersions({ params }: ScreenProps) {
  const id = params.id ?? '';
  const roles = currentSession()?.roles ?? [];
  const mayApprove = roles.some((r) => (PERMISSIONS.approveDocuments as readonly string[]).includes(r));
  const versions = useLive((signal) => api.call('listDocumentVersions', { params: { id }, signal }), [id], { intervalMs: 30_000 });
  const signatures = useLive((signal) => api.call('listDocumentSignatures', { params: { id }, query: {}, signal }), [id], { intervalMs: 30_000 });
  const reload = () => {
    versions.reload();
    signatures.reload();
  };
  const data = versions.data;
  return (
    <Page
      title={data ? `${data.title}: versions` : `Document ${id}`}
      actions={
        <a class="btn" href={`#/documents/${encodeURIComponent(id)}`}>
          Read the one in force
        </a>
      }
    >
      <ErrorNote error={versions.error} />
      {!data ? (
        versions.error ? null : (
          <Loading />
        )
      ) : (
        <ol class="doc-versions" reversed>
          {data.versions.map((v) => {
            const signed = (signatures.data?.signatures ?? []).filter((s) => s.recordId === `${id}@${v.version}`);
            return (
              <li key={v.version} class="card doc-version-card" data-testid={`version-${v.version}`} data-status={v.status}>
                <h2 class="entry-title">
                  Version {v.version} · <span class="badge">{STATUS_WORDS[v.status] ?? v.status}</span>
                </h2>
                <p>
                  {kindWords(v.kind)}: {v.title}
                </p>
                <dl class="facts">
                  <dt>Written</dt>
                  <dd>
                    {fmtDateTime(v.createdAt)} by {v.createdByName || personName(v.createdBy)}
                  </dd>
                  {v.changeNote ? (
                    <>
                      <dt>Why</dt>
                      <dd>{v.changeNote}</dd>
                    </>
                  ) : null}
                  {v.effectiveFrom ? (
                    <>
                      <dt>In force</dt>
                      <dd>
                        from {fmtDate(v.effectiveFrom)}
                        {v.supersededAt ? ` until ${fmtDate(v.supersededAt)}` : ''}
                      </dd>
                    </>
                  ) : null}
                  {signed.map((s) => (
                    <Fragment key={s.id}>
                      <dt>{s.meaningText}</dt>
                      <dd>
                        {s.printedName}, {fmtDateTime(s.signedAt)}
                        {s.valid ? '' : ` (not valid: ${s.invalidReason ?? 'the content changed'})`}
                      </dd>
                    </Fragment>
                  ))}
                </dl>
                {v.status === 'draft' ? (
                  <ConfirmAction
                    label="Send for review"
                    question={`Send version ${v.version} of ${v.title} for review? Its text cannot change after this; a change is a new version.`}
                    run={async () => {
                      await api.call('submitDocumentVersion', { params: { id, version: v.version } });
                    }}
                    after={reload}
                  />
                ) : null}
                {v.status === 'in-review' && mayApprove ? (
                  // Approving is an electronic signature; the version takes effect now (a later date: through the API's effectiveFrom).
                  <SignDialog
                    label={`Sign: approve version ${v.version}`}
                    summary={`version ${v.version} of ${v.title}`}
                    effect="When your signature is the last one needed, this version takes effect now and the one before it is superseded."
                    meanings={['approval']}
                    sign={async (body) => {
                      await api.call('approveDocumentVersion', { params: { id, version: v.version }, body });
                    }}
                    after={reload}
                  />
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
    </Page>
  );
}

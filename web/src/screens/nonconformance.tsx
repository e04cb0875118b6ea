/**
 * `#/nonconformances/:id`: one nonconformance: what it names, the defect, how many, who found it
 * and when, what it holds, the decision, and its history. Quality decides the disposition here
 * (a pick list: scrap, rework at a work center with instructions, use as is, return to
 * supplier; a comment); use as is waits for a second person of quality, who approves or rejects.
 */
import { Fragment } from 'preact';
import { formatQuantity } from '../../../shared/domain/master-data/units.ts';
import type { NonconformanceDetail } from '../../../shared/domain/quality/nonconformance-model.ts';
import { PERMISSIONS } from '../../../shared/domain/roles.ts';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { currentSession } from '../auth.ts';
import { SignDialog } from '../components/sign-dialog.tsx';
import { SignatureList } from '../components/signature-list.tsx';
import { useEquipment } from '../components/plant-equipment.tsx';
import { useLive } from '../live.ts';
import { usePlantContext } from '../plant.ts';
import { DISPOSITION_WORDS, NC_STATUS_WORDS } from '../quality/words.ts';
import { reasonName, useReasonLists } from '../reason-lists.ts';
import { ConfirmAction, ErrorNote, fmtDateTime, Loading, Page } from '../ui.tsx';
import { ncSubject, operationNames, who } from './quality.tsx';

const HOLD_WORDS = { placed: 'put on hold', joined: 'held (also by another)', 'already-held': 'already on hold', 'not-held': 'not held' } as const;
const ENDING_WORDS = {
  lifted: 'hold lifted',
  'kept-for-others': 'still held for another reason',
  'not-ours': 'not held by this',
  gone: 'no longer there',
} as const;
const KIND_WORDS = { 'work-order': 'Order', lot: 'Lot', serial: 'Serial' } as const;
const ACTION_WORDS: Record<string, string> = {
  'nonconformance.open': 'Reported',
  'nonconformance.decide': 'Decided',
  'nonconformance.approve': 'Use as is approved',
  /** An electronic signature (issue 16); the approval it completes is named with it. */
  signed: 'Signed',
  'nonconformance.reject': 'Use as is rejected',
};

function Decide({ nc, reload }: { nc: NonconformanceDetail; reload: () => void }) {
  const equipment = useEquipment();
  const workCenters = equipment.index?.workCenters ?? [];
  return (
    <ConfirmAction
      label="Decide the disposition"
      title={`Disposition of ${nc.id}`}
      fields={[
        {
          name: 'disposition',
          label: 'Disposition',
          type: 'select',
          required: true,
          options: Object.entries(DISPOSITION_WORDS).map(([value, label]) => ({ value, label })),
        },
        {
          name: 'workCenterId',
          label: 'Rework at (rework only; else where it was found)',
          type: 'select',
          options: workCenters.map((w) => ({ value: w.id, label: w.name })),
        },
        { name: 'instructions', label: 'Rework instructions (rework only)', type: 'text' },
        { name: 'comment', label: 'Comment', type: 'text' },
      ]}
      run={async (values) => {
        const disposition = values.disposition as keyof typeof DISPOSITION_WORDS;
        if (!disposition) throw new Error('Choose a disposition from the list.');
        const instructions = (values.instructions ?? '').trim();
        if (disposition === 'rework' && !instructions) throw new Error('Say what to do at the rework: the instructions.');
        const comment = (values.comment ?? '').trim();
        await api.call('dispositionNonconformance', {
          params: { id: nc.id },
          ifMatch: nc.version,
          body: {
            disposition,
            ...(comment ? { comment } : {}),
            ...(disposition === 'rework' ? { instructions, ...(values.workCenterId ? { workCenterId: values.workCenterId } : {}) } : {}),
          },
        });
      }}
      after={reload}
    />
  );
}

function Approve({ nc, missing, reload }: { nc: NonconformanceDetail; missing: readonly string[]; reload: () => void }) {
  const answer = (approve: boolean) => async (values: Record<string, string>) => {
    const comment = (values.comment ?? '').trim();
    await api.call('dispositionNonconformance', { params: { id: nc.id }, ifMatch: nc.version, body: { approve, ...(comment ? { comment } : {}) } });
  };
  return (
    <div class="actions">
      {/* Approving use as is is the second person's electronic signature (issue 16). */}
      <SignDialog
        label="Sign: approve use as is"
        summary={`use ${formatQuantity(nc.quantity, nc.uom)} of ${nc.id} (${nc.description}) as is, as ${nc.disposition ? who(nc.disposition.decidedBy, nc.disposition.decidedByName) : 'quality'} decided`}
        effect="When your signature is the last one needed, signing closes the nonconformance and lifts its holds."
        meanings={missing.length ? missing : ['approval']}
        sign={async (body) => {
          await api.call('signNonconformance', { params: { id: nc.id }, body });
        }}
        after={reload}
      />
      <ConfirmAction
        label="Reject use as is"
        kind="danger"
        question="Rejecting opens the nonconformance again for another decision."
        fields={[{ name: 'comment', label: 'Why', type: 'text', required: true }]}
        run={answer(false)}
        after={reload}
      />
    </div>
  );
}

function History({ nc }: { nc: NonconformanceDetail }) {
  return (
    <section aria-labelledby="nc-history" class="group">
      <h2 id="nc-history" class="subhead">
        History
      </h2>
      <ol class="plain-list history" data-testid="nc-history">
        {nc.history.map((r) => {
          const disposition = r.changes.find((c) => c.field === 'disposition/disposition' || c.field === 'disposition')?.to;
          const d =
            typeof disposition === 'string'
              ? disposition
              : typeof disposition === 'object' && disposition !== null
                ? (disposition as { disposition?: string }).disposition
                : undefined;
          return (
            <li key={r.version} class="card history-entry">
              <p>
                <strong>
                  {ACTION_WORDS[r.action] ?? r.action}
                  {r.action === 'nonconformance.decide' && d ? `: ${DISPOSITION_WORDS[d as keyof typeof DISPOSITION_WORDS] ?? d}` : ''}
                </strong>{' '}
                <span class="muted">
                  by {who(r.by)}, <time dateTime={r.at}>{fmtDateTime(r.at)}</time>
                </span>
              </p>
              {r.comment || r.reason ? <p>{r.comment ?? r.reason}</p> : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

export default function NonconformanceScreen({ params }: ScreenProps) {
  usePlantContext();
  const id = params.id ?? '';
  const { lists } = useReasonLists();
  const live = useLive(
    async (signal) => {
      const [nc, signatures] = await Promise.all([
        api.call('getNonconformance', { params: { id }, signal }),
        api.call('listNonconformanceSignatures', { params: { id }, signal }),
      ]);
      const opNames = await operationNames(nc.workOrderId ? [nc.workOrderId] : [], signal);
      return { nc, opNames, signatures };
    },
    [id],
    { intervalMs: 15_000 },
  );
  const nc = live.data?.nc.id === id ? live.data.nc : undefined;
  const roles = currentSession()?.roles ?? [];
  const mayDecide = roles.some((r) => (PERMISSIONS.dispositionNonconformance as readonly string[]).includes(r));
  const me = currentSession()?.userId;
  const reload = () => void live.reload();
  const d = nc?.disposition;
  return (
    <Page title={nc ? `${nc.defectName ?? reasonName(lists, 'defect', nc.defectCode)}: ${nc.id}` : `Nonconformance ${id}`}>
      <ErrorNote error={live.error} />
      {!nc ? (
        live.error ? null : (
          <Loading />
        )
      ) : (
        <>
          <p class="badges">
            <span class={`badge nc-${nc.status}`} data-testid="nc-status">
              {NC_STATUS_WORDS[nc.status]}
            </span>
          </p>
          <dl class="kv" data-testid="nc-facts">
            <dt>What</dt>
            <dd>{ncSubject(nc, live.data?.opNames)}</dd>
            <dt>Defect</dt>
            <dd>{nc.defectName ?? reasonName(lists, 'defect', nc.defectCode)}</dd>
            <dt>How many</dt>
            <dd>{formatQuantity(nc.quantity, nc.uom)}</dd>
            <dt>What is wrong</dt>
            <dd>{nc.description}</dd>
            <dt>Found</dt>
            <dd>
              by {who(nc.reportedBy, nc.reportedByName)}, <time dateTime={nc.reportedAt}>{fmtDateTime(nc.reportedAt)}</time>
            </dd>
            {nc.inspectionId ? (
              <>
                <dt>Inspection</dt>
                <dd>Failed inspection {nc.inspectionId.split('~').slice(2).join(' #')}</dd>
              </>
            ) : null}
            {nc.holds.length ? (
              <>
                <dt>Holds</dt>
                <dd>
                  {nc.holds.map((h, i) => (
                    <Fragment key={`${h.kind}-${h.id}`}>
                      {i ? '; ' : ''}
                      {KIND_WORDS[h.kind]} {h.id}: {h.ending ? ENDING_WORDS[h.ending] : HOLD_WORDS[h.outcome]}
                    </Fragment>
                  ))}
                </dd>
              </>
            ) : null}
            {d ? (
              <>
                <dt>Decision</dt>
                <dd data-testid="nc-decision">
                  {DISPOSITION_WORDS[d.disposition]}
                  {d.rework ? ` at operation ${d.rework.seq} (${d.rework.name}): ${d.rework.instructions}` : ''}. Decided by{' '}
                  {who(d.decidedBy, d.decidedByName)}, {fmtDateTime(d.decidedAt)}.
                  {d.approvedBy ? ` Approved by ${who(d.approvedBy, d.approvedByName)}, ${fmtDateTime(d.approvedAt)}.` : ''}
                  {nc.status === 'awaiting-approval' ? ' A second person must approve.' : ''}
                </dd>
              </>
            ) : null}
          </dl>
          {mayDecide && nc.status === 'open' ? <Decide nc={nc} reload={reload} /> : null}
          {mayDecide && nc.status === 'awaiting-approval' ? (
            d?.decidedBy === me ? (
              <p class="muted">You decided this: another person of quality must approve it.</p>
            ) : (
              <Approve nc={nc} missing={live.data?.signatures.required.missing.map((m) => m.meaning) ?? []} reload={reload} />
            )
          ) : null}
          {!mayDecide && nc.status !== 'closed' ? <p class="muted">Quality decides what becomes of it.</p> : null}
          {live.data?.signatures && (live.data.signatures.signatures.length || nc.status === 'awaiting-approval') ? (
            <SignatureList data={live.data.signatures} />
          ) : null}
          <History nc={nc} />
        </>
      )}
    </Page>
  );
}

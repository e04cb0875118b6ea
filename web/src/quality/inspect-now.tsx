/**
 * "Inspect now" at an order's operation (issue 15): the inspections due there (plan, what to
 * check, how many units), an entry form for each, and the result in plain words at once. A
 * variable characteristic gets one big decimal field per sampled unit, green or red as typed
 * against its spec limits (and said in words, never colour alone); an attribute one, Pass / Fail
 * per unit and the defect by name from the plan's list. A failure offers the nonconformance
 * report, prefilled. The server decides pass or fail; the sentence says why.
 */
import { useState } from 'preact/hooks';
import type { Operation, WorkOrderDetail } from '../../../shared/api/schemas.ts';
import type { Characteristic } from '../../../shared/domain/quality/inspection-plans.ts';
import type { Inspection, RecordInspection } from '../../../shared/domain/quality/inspections.ts';
import { PERMISSIONS } from '../../../shared/domain/roles.ts';
import { ApiError, api } from '../api.ts';
import { currentSession } from '../auth.ts';
import { useLive } from '../live.ts';
import { Button, ErrorNote } from '../ui.tsx';
import { ReportProblem } from './report-problem.tsx';
import { chartPath, checkValue, inspectionCharacteristicId, lowerFirst, parseMeasured, specWords, valueProblem } from './words.ts';

type Variable = Extract<Characteristic, { kind: 'variable' }>;
type Attribute = Extract<Characteristic, { kind: 'attribute' }>;

/** What was typed: variable values as text per unit; attribute per unit: '' passes, else the failing defect code. */
type Entry = Record<string, string[]>;

const CHECK_WORDS = { empty: '', invalid: 'not a number', ok: 'within limits', low: 'below the limit', high: 'above the limit' } as const;

/** The outcome as the operator reads it, and what the report form is prefilled with. */
interface Outcome {
  passed: boolean;
  sentence: string;
  defectives: number;
  defectCode?: string | undefined;
}

export function outcomeOf(inspection: Inspection, request: RecordInspection, passed: boolean): Outcome {
  const problems: string[] = [];
  let firstDefect: string | undefined;
  for (const c of inspection.characteristics) {
    const r = request.results.find((x) => x.characteristicId === c.id);
    if (!r) continue;
    if (c.kind === 'variable')
      (r.values ?? []).forEach((v, i) => {
        const p = valueProblem(c, i + 1, v);
        if (p) problems.push(p);
      });
    else if (r.defectives) {
      const names = (r.defects ?? []).map(
        (d) => `${c.defectCodes.find((x) => x.code === d.code)?.name ?? d.code}${d.count > 1 ? ` ×${d.count}` : ''}`,
      );
      firstDefect ??= r.defects?.[0]?.code;
      problems.push(`${r.defectives} of ${inspection.sampleSize} failed ${lowerFirst(c.name)}${names.length ? ` (${names.join(', ')})` : ''}`);
    }
  }
  const n = inspection.sampleSize;
  const sentence = passed
    ? problems.length
      ? `Passed: within what the sampling plan accepts (${problems.join('; ')}).`
      : `Passed: ${n === 1 ? 'the unit is' : `all ${n}`} within limits.`
    : `Failed: ${problems.join('; ') || 'the sample is outside what the plan accepts'}.`;
  const defectives = Math.max(
    1,
    ...request.results.map((r) => r.defectives ?? 0),
    new Set(
      inspection.characteristics.flatMap((c) =>
        c.kind === 'variable'
          ? (request.results.find((r) => r.characteristicId === c.id)?.values ?? []).flatMap((v, i) => (valueProblem(c, i + 1, v) ? [i] : []))
          : [],
      ),
    ).size,
  );
  return { passed, sentence, defectives, defectCode: firstDefect };
}

function VariableFields({ c, values, set, idBase }: { c: Variable; values: string[]; set: (i: number, v: string) => void; idBase: string }) {
  return (
    <fieldset class="insp-char">
      <legend>
        <strong>{c.name}</strong>: {specWords(c)}
      </legend>
      <div class="insp-units">
        {values.map((text, i) => {
          const check = checkValue(c, text);
          const id = `${idBase}-${c.id}-${i + 1}`;
          return (
            <div class={`insp-unit insp-${check}`} key={id}>
              <label for={id}>Unit {i + 1}</label>
              <input
                id={id}
                type="text"
                inputMode="decimal"
                autoComplete="off"
                value={text}
                aria-describedby={`${id}-check`}
                aria-invalid={check === 'low' || check === 'high' || check === 'invalid' ? 'true' : undefined}
                onInput={(e) => set(i, (e.target as HTMLInputElement).value)}
              />
              <span id={`${id}-check`} class="insp-check">
                {CHECK_WORDS[check]}
              </span>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

function AttributeFields({ c, values, set, idBase }: { c: Attribute; values: string[]; set: (i: number, v: string) => void; idBase: string }) {
  return (
    <fieldset class="insp-char">
      <legend>
        <strong>{c.name}</strong>: pass or fail per unit
      </legend>
      <div class="insp-units">
        {values.map((code, i) => {
          const id = `${idBase}-${c.id}-${i + 1}`;
          const failed = code !== '';
          return (
            <fieldset class={`insp-unit insp-attr ${failed ? 'insp-high' : 'insp-ok'}`} key={id}>
              <legend class="insp-unit-name">Unit {i + 1}</legend>
              <button type="button" class="btn insp-toggle" aria-pressed={!failed} onClick={() => set(i, '')}>
                Pass
              </button>
              <button
                type="button"
                class="btn insp-toggle"
                aria-pressed={failed}
                onClick={() => set(i, failed ? code : (c.defectCodes[0]?.code ?? ''))}
              >
                Fail
              </button>
              {failed ? (
                <>
                  <label for={`${id}-defect`} class="visually-hidden">
                    Defect of unit {i + 1}
                  </label>
                  <select id={`${id}-defect`} value={code} onChange={(e) => set(i, (e.target as HTMLSelectElement).value)}>
                    {c.defectCodes.map((d) => (
                      <option key={d.code} value={d.code}>
                        {d.name}
                      </option>
                    ))}
                  </select>
                </>
              ) : null}
            </fieldset>
          );
        })}
      </div>
    </fieldset>
  );
}

/** The request the form makes, or what is still missing, in words. */
function requestOf(inspection: Inspection, entry: Entry): RecordInspection | string {
  const results: RecordInspection['results'] = [];
  for (const c of inspection.characteristics) {
    const typed = entry[c.id] ?? [];
    if (c.kind === 'variable') {
      const values: number[] = [];
      for (const [i, text] of typed.entries()) {
        const v = parseMeasured(text);
        if (v === undefined) return `Enter ${lowerFirst(c.name)} of unit ${i + 1}${text.trim() ? ' as a number' : ''}.`;
        values.push(v);
      }
      results.push({ characteristicId: c.id, values });
    } else {
      const failing = typed.filter((code) => code !== '');
      const counts = new Map<string, number>();
      for (const code of failing) counts.set(code, (counts.get(code) ?? 0) + 1);
      results.push({
        characteristicId: c.id,
        defectives: failing.length,
        ...(counts.size ? { defects: [...counts].map(([code, count]) => ({ code, count })) } : {}),
      });
    }
  }
  return { results };
}

function EntryForm({ inspection, onRecorded, again }: { inspection: Inspection; onRecorded: (outcome: Outcome) => void; again?: boolean }) {
  const [reason, setReason] = useState('');
  const [entry, setEntry] = useState<Entry>(() =>
    Object.fromEntries(inspection.characteristics.map((c) => [c.id, Array.from({ length: inspection.sampleSize }, () => '')])),
  );
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  // Unique on the page: two orders at one station may run the same plan.
  const idBase = `insp-${inspection.id.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const setter = (charId: string) => (i: number, v: string) =>
    setEntry((e) => ({ ...e, [charId]: (e[charId] ?? []).map((old, j) => (j === i ? v : old)) }));
  const submit = async (e: Event) => {
    e.preventDefault();
    const request = requestOf(inspection, entry);
    if (typeof request === 'string') {
      setError(request);
      return;
    }
    if (again) {
      if (!reason.trim()) {
        setError('Say why it is inspected again: the reason.');
        return;
      }
      request.reason = reason.trim();
    }
    setBusy(true);
    setError(undefined);
    try {
      const recorded = await api.call('recordInspectionResults', { params: { id: inspection.id }, body: request });
      const last = recorded.results?.at(-1);
      onRecorded(outcomeOf(inspection, request, last?.passed ?? recorded.status === 'passed'));
    } catch (err) {
      setError(err instanceof ApiError ? err.plain : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} class="insp-form" aria-label={`Results of ${inspection.planName}`}>
      {inspection.characteristics.map((c) =>
        c.kind === 'variable' ? (
          <VariableFields key={c.id} c={c} values={entry[c.id] ?? []} set={setter(c.id)} idBase={idBase} />
        ) : (
          <AttributeFields key={c.id} c={c} values={entry[c.id] ?? []} set={setter(c.id)} idBase={idBase} />
        ),
      )}
      {again ? (
        <div class="field">
          <label for={`${idBase}-reason`}>Why inspect it again</label>
          <input id={`${idBase}-reason`} type="text" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        </div>
      ) : null}
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <Button type="submit" kind="primary" disabled={busy}>
        {busy ? 'Saving…' : `Save the results of ${inspection.planName}`}
      </Button>
    </form>
  );
}

function What({ inspection }: { inspection: Inspection }) {
  return (
    <p class="insp-what">
      Check {inspection.characteristics.map((c) => c.name).join(', ')} on{' '}
      <strong>
        {inspection.sampleSize} unit{inspection.sampleSize === 1 ? '' : 's'}
      </strong>
      {inspection.aql ? ` (AQL ${inspection.aql.aql}: passes with at most ${inspection.aql.ac} defective)` : ''}.{' '}
      {inspection.characteristics
        .filter((c) => c.kind === 'variable')
        .map((c) => (
          <a key={c.id} class="insp-chart-link" href={`#${chartPath(inspectionCharacteristicId(inspection.planId, c.id))}`}>
            Control chart of {lowerFirst(c.name)}
          </a>
        ))}
    </p>
  );
}

/** The inspections of one operation; nothing when no plan applies there. */
export function InspectNow({ order, op, reload }: { order: WorkOrderDetail; op: Operation; reload: () => void }) {
  const plans = op.inspectionPlans ?? [];
  const progress = JSON.stringify(op.inspectionProgress ?? []);
  const list = useLive(
    (signal) => api.call('listWorkOrderInspections', { params: { id: order.id }, query: { seq: op.seq, results: 'false' }, signal }),
    [order.id, op.seq, op.goodQty, op.scrapQty, op.status, progress],
    { intervalMs: 0 },
  );
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});
  if (plans.length === 0) return null;
  const inspections = list.data?.workOrderId === order.id ? list.data.inspections.filter((i) => i.seq === op.seq) : [];
  const due = inspections.filter((i) => i.status === 'due');
  const failed = inspections.filter((i) => i.status === 'failed');
  const upcoming = inspections.filter((i) => i.status === 'upcoming');
  const passed = inspections.filter((i) => i.status === 'passed');
  const titleId = `inspect-${order.id}-${op.seq}`;
  const mayReinspect = (currentSession()?.roles ?? []).some((r) => (PERMISSIONS.reinspect as readonly string[]).includes(r));
  const opWords = `order ${order.id}, operation ${op.seq} (${op.name})`;
  return (
    <section class="inspect-now" aria-labelledby={titleId} data-testid={`inspect-${op.seq}`}>
      <h3 id={titleId} class="subhead">
        {due.length ? `Inspect now (${due.length})` : 'Inspections'}
      </h3>
      <ErrorNote error={list.error} />
      {Object.entries(outcomes).map(([id, o]) => (
        <div key={id} class={`insp-result ${o.passed ? 'insp-passed' : 'insp-failed'}`} role="status" data-testid="inspection-result">
          <p>
            <strong>{o.sentence}</strong>
            {o.passed ? null : ' The operation cannot be completed until quality decides. Report a nonconformance?'}
          </p>
          {o.passed ? null : (
            <ReportProblem
              label="Report a nonconformance"
              kind="primary"
              about={{ workOrderId: order.id, seq: op.seq, inspectionId: id }}
              what={opWords}
              quantity={o.defectives}
              uom={order.uom}
              description={o.sentence.replace(/^Failed: /, '')}
              defectCode={o.defectCode}
            />
          )}
        </div>
      ))}
      {due.map((i) => (
        <div class="insp-card" key={i.id} data-testid={`inspection-${i.planId}-${i.k}`}>
          <h4 class="insp-title">
            {i.planName}
            {i.k > 1 ? ` #${i.k}` : ''} <span class="badge state-ready">Due</span>
          </h4>
          <What inspection={i} />
          <EntryForm
            inspection={i}
            onRecorded={(o) => {
              setOutcomes((all) => ({ ...all, [i.id]: o }));
              void list.reload();
              reload();
            }}
          />
        </div>
      ))}
      {failed
        .filter((i) => !outcomes[i.id])
        .map((i) => (
          <div key={i.id}>
            <p class="hold-note">
              <strong>
                {i.planName}
                {i.k > 1 ? ` #${i.k}` : ''} failed.
              </strong>{' '}
              The operation cannot be completed until quality decides.
            </p>
            {mayReinspect ? (
              <details class="insp-again">
                <summary>Inspect {i.planName} again (quality)</summary>
                <What inspection={i} />
                <EntryForm
                  inspection={i}
                  again
                  onRecorded={(o) => {
                    setOutcomes((all) => ({ ...all, [i.id]: o }));
                    void list.reload();
                    reload();
                  }}
                />
              </details>
            ) : null}
          </div>
        ))}
      {passed.length ? (
        <p class="muted" data-testid={`inspections-passed-${op.seq}`}>
          Passed: {passed.map((i) => `${i.planName}${i.k > 1 ? ` #${i.k}` : ''}`).join(', ')}.
        </p>
      ) : null}
      {list.data && due.length === 0 && failed.length === 0 ? (
        <p class="muted">
          Nothing to inspect now.
          {upcoming.map((i) =>
            i.dueAtQty !== undefined ? ` ${i.planName}: next when ${i.dueAtQty} are made.` : ` ${i.planName}: when the operation starts.`,
          )}
        </p>
      ) : null}
    </section>
  );
}

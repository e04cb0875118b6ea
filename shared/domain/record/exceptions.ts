/**
 * Review by exception (docs/batch-record.md): what deviates from the plan or the limits, in
 * plain words, each pointing (a JSON pointer) to where it is in the record. Ordered by kind as
 * EXCEPTION_KINDS lists them, then by time, so a reviewer reads the open and failed things first.
 */
import { type BatchRecord, EXCEPTION_KINDS, type RecordException } from './model.ts';

type Sections = Omit<BatchRecord, 'exceptions'>;

const fmt = (n: number) => String(Math.round(n * 1e6) / 1e6);

export function exceptionsOf(r: Sections): RecordException[] {
  const out: RecordException[] = [];
  const uom = r.order.uom ? ` ${r.order.uom}` : '';
  r.nonconformances.forEach((nc, i) => {
    const what = `Nonconformance ${nc.id} (${nc.defectName ?? nc.defectCode}, ${fmt(nc.quantity)}): ${nc.description}`;
    if (nc.status !== 'closed') {
      out.push({
        kind: 'open-nonconformance',
        text: `${what}: still ${nc.status === 'open' ? 'open' : 'awaiting approval'}`,
        ref: `/nonconformances/${i}`,
        at: nc.reportedAt,
        ...seqOf(nc.seq),
      });
    } else {
      out.push({
        kind: 'nonconformance',
        text: `${what}: closed, ${nc.disposition ?? 'no disposition'}`,
        ref: `/nonconformances/${i}`,
        at: nc.reportedAt,
        ...seqOf(nc.seq),
      });
    }
  });
  r.inspections.forEach((insp, i) => {
    if (insp.passed) return;
    const later = insp.superseded ? '; inspected again later' : '';
    out.push({
      kind: 'failed-inspection',
      text: `Inspection ${insp.planId} at operation ${insp.seq} failed (attempt ${insp.attempt}, ${insp.defectiveUnits} of ${insp.sampleSize} defective)${later}`,
      ref: `/inspections/${i}`,
      seq: insp.seq,
      at: insp.recordedAt,
    });
  });
  r.operations.forEach((op, i) => {
    op.values.forEach((v, j) => {
      if (v.within) return;
      const limits = [v.min !== undefined ? `min ${v.min}` : '', v.max !== undefined ? `max ${v.max}` : ''].filter(Boolean).join(', ');
      out.push({
        kind: 'out-of-limits',
        text: `${v.label} ${String(v.value)}${v.unit ? ` ${v.unit}` : ''} at operation ${op.seq} (${op.name}) is outside its limits (${limits || 'limits'})`,
        ref: `/operations/${i}/values/${j}`,
        seq: op.seq,
        at: v.recordedAt,
      });
    });
    op.reports.forEach((rep, j) => {
      if (rep.action !== 'operation.reopen') return;
      out.push({
        kind: 'reopened',
        text: `Operation ${op.seq} (${op.name}) was reopened`,
        ref: `/operations/${i}/reports/${j}`,
        seq: op.seq,
        at: rep.at,
      });
    });
    if (op.rework) {
      out.push({
        kind: 'rework',
        text: `Operation ${op.seq} (${op.name}) reworked ${fmt(op.rework.quantity)}${uom} for nonconformance ${op.rework.nonconformanceId}`,
        ref: `/operations/${i}`,
        seq: op.seq,
      });
    }
    if (op.scrapQty > 0) {
      const reasons = Object.entries(op.scrapByReason)
        .map(([code, q]) => `${fmt(q)} ${code}`)
        .join(', ');
      out.push({
        kind: 'scrap',
        text: `Operation ${op.seq} (${op.name}) scrapped ${fmt(op.scrapQty)}${uom}${reasons ? ` (${reasons})` : ''}`,
        ref: `/operations/${i}/scrapQty`,
        seq: op.seq,
      });
    }
  });
  r.machineData.forEach((m, i) => {
    for (const [name, p] of Object.entries(m.process)) {
      if (p.outOfLimits > 0) {
        out.push({
          kind: 'machine-out-of-limits',
          text: `Machine value ${name} at operation ${m.seq} was outside its limits ${p.outOfLimits} times`,
          ref: `/machineData/${i}/process/${name}`,
          seq: m.seq,
        });
      }
    }
  });
  r.holds.forEach((h, i) => {
    const reason = h.reason ?? h.comment ?? 'no reason given';
    const until = h.releasedAt ? `until ${h.releasedAt}` : 'and is still on hold';
    out.push({ kind: 'hold', text: `The order was held by ${h.heldBy} (${reason}) ${until}`, ref: `/holds/${i}`, at: h.heldAt });
  });
  r.corrections.forEach((c, i) => {
    const what = c.changes.map((x) => `${x.field} ${String(x.from)} -> ${String(x.to)}`).join(', ');
    out.push({
      kind: 'correction',
      text: `${c.by} corrected record ${c.corrects} (${c.target}): ${what || 'no change'}; reason: ${c.reason ?? 'none given'}`,
      ref: `/corrections/${i}`,
      at: c.at,
    });
  });
  const { quantity, producedQty, overrunTolerancePct, status } = r.order;
  if (producedQty > quantity) {
    const pct = quantity > 0 ? ((producedQty - quantity) / quantity) * 100 : 0;
    const beyond = pct > overrunTolerancePct ? `, beyond the ${overrunTolerancePct}% tolerance` : '';
    out.push({
      kind: 'overrun',
      text: `Made ${fmt(producedQty)}${uom} of ${fmt(quantity)}${uom} ordered (${fmt(pct)}% over${beyond})`,
      ref: '/order/producedQty',
    });
  } else if (producedQty < quantity && ['COMPLETED', 'CLOSED'].includes(status)) {
    out.push({
      kind: 'short',
      text: `Made ${fmt(producedQty)}${uom} of ${fmt(quantity)}${uom} ordered (${fmt(quantity - producedQty)}${uom} short)`,
      ref: '/order/producedQty',
    });
  }
  for (const m of r.required.missing) {
    out.push({ kind: 'unsigned', text: `Not yet signed: ${m.meaning} (by ${m.roles.join(' or ')})`, ref: '/signatures' });
  }
  r.signatures.forEach((s, i) => {
    if (!s.valid)
      out.push({
        kind: 'unsigned',
        text: `The ${s.meaningText} signature of ${s.printedName} no longer matches the record`,
        ref: `/signatures/${i}`,
      });
  });
  const rank = (k: RecordException['kind']) => EXCEPTION_KINDS.indexOf(k);
  return out
    .map((e, i) => ({ e, i }))
    .sort((a, b) => rank(a.e.kind) - rank(b.e.kind) || a.i - b.i)
    .map(({ e }) => e);
}

const seqOf = (seq: number | undefined) => (seq !== undefined ? { seq } : {});

/**
 * The batch record as a paginated PDF (pdf-lib: pure JavaScript, its standard fonts built in,
 * so the bundle reads no font files at run time). Imported lazily by the record routes, only
 * for `Accept: application/pdf`. Every page has a header (the record and order) and a footer
 * (page k of n, generated at); the exceptions come first, then the signatures' manifestations
 * (21 CFR 11.50), then every section of the record.
 */
import { PDFDocument, type PDFFont, rgb, StandardFonts } from 'pdf-lib';
import type { BatchRecord } from '#shared/domain/record/model.ts';

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = { x: 48, top: 64, bottom: 56 };
const SIZE = { title: 15, heading: 11.5, body: 9 };
const LEADING = 1.35;

interface Line {
  text: string;
  size: number;
  bold?: boolean;
  indent?: number;
  color?: [number, number, number];
  gapBefore?: number;
}

export interface PdfOptions {
  title: string;
  serial?: { id: string; history: string[] };
}

/** Standard fonts speak WinAnsi: anything else becomes its closest plain form or '?'. */
const plain = (text: string) =>
  text
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\u2192/g, '->')
    .replace(/[^\x20-\x7e\xa0-\xff]/g, '?');

export async function renderBatchRecordPdf(record: BatchRecord, options: PdfOptions): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(options.title);
  doc.setCreator('Serverless MES');
  doc.setCreationDate(new Date(record.generatedAt));
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const lines = contentOf(record, options);
  const width = PAGE.width - 2 * MARGIN.x;

  // Lay the lines out on pages first, so the footer can say "page k of n".
  type Placed = { line: Line; text: string; y: number };
  const pages: Placed[][] = [[]];
  let y = PAGE.height - MARGIN.top;
  for (const line of lines) {
    const font = line.bold ? bold : regular;
    const indent = line.indent ?? 0;
    for (const [i, text] of wrap(plain(line.text), font, line.size, width - indent).entries()) {
      const height = line.size * LEADING + (i === 0 ? (line.gapBefore ?? 0) : 0);
      if (y - height < MARGIN.bottom) {
        pages.push([]);
        y = PAGE.height - MARGIN.top;
      }
      y -= height;
      pages.at(-1)?.push({ line, text, y });
    }
  }
  const total = pages.length;
  const status = record.released ? `Released ${record.recordReleasedAt ?? ''}` : 'NOT RELEASED';
  pages.forEach((placed, k) => {
    const page = doc.addPage([PAGE.width, PAGE.height]);
    const head = plain(`${options.title}  |  ${record.order.materialName ?? record.order.materialId}  |  ${status}`);
    page.drawText(head, { x: MARGIN.x, y: PAGE.height - 36, size: 8.5, font: bold });
    page.drawLine({ start: { x: MARGIN.x, y: PAGE.height - 42 }, end: { x: PAGE.width - MARGIN.x, y: PAGE.height - 42 }, thickness: 0.5 });
    for (const p of placed) {
      const color = p.line.color ? rgb(...p.line.color) : rgb(0, 0, 0);
      page.drawText(p.text, { x: MARGIN.x + (p.line.indent ?? 0), y: p.y, size: p.line.size, font: p.line.bold ? bold : regular, color });
    }
    page.drawLine({ start: { x: MARGIN.x, y: 40 }, end: { x: PAGE.width - MARGIN.x, y: 40 }, thickness: 0.5 });
    page.drawText(
      plain(`Work order ${record.workOrderId}  |  generated at ${record.generatedAt}  |  content hash ${record.contentHash.slice(0, 16)}`),
      {
        x: MARGIN.x,
        y: 28,
        size: 7.5,
        font: regular,
      },
    );
    const pageText = `Page ${k + 1} of ${total}`;
    page.drawText(pageText, { x: PAGE.width - MARGIN.x - regular.widthOfTextAtSize(pageText, 7.5), y: 28, size: 7.5, font: regular });
  });
  return doc.save();
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(next, size) <= width) {
      line = next;
      continue;
    }
    if (line) out.push(line);
    // A word longer than the line (a hash) is cut.
    let rest = word;
    while (font.widthOfTextAtSize(rest, size) > width) {
      let n = rest.length;
      while (n > 1 && font.widthOfTextAtSize(rest.slice(0, n), size) > width) n--;
      out.push(rest.slice(0, n));
      rest = rest.slice(n);
    }
    line = rest;
  }
  out.push(line);
  return out;
}

const RED: [number, number, number] = [0.65, 0.05, 0.05];

function contentOf(r: BatchRecord, options: PdfOptions): Line[] {
  const L: Line[] = [];
  const title = (text: string) => L.push({ text, size: SIZE.title, bold: true });
  const heading = (text: string) => L.push({ text, size: SIZE.heading, bold: true, gapBefore: 8 });
  const line = (text: string, indent = 0, extra: Partial<Line> = {}) => L.push({ text, size: SIZE.body, indent, ...extra });
  const none = (items: readonly unknown[], what: string) => items.length === 0 && line(`No ${what}.`);
  const uom = r.order.uom ? ` ${r.order.uom}` : '';
  const o = r.order;

  title(options.title);
  line(
    `${o.materialName ?? o.materialId} (${o.materialId}), ${o.quantity}${uom} ordered, ${o.producedQty}${uom} made, ${o.scrappedQty}${uom} scrapped`,
  );
  line(
    r.released ? `Released ${r.recordReleasedAt} with record hash ${r.recordHash}` : 'Not released: the required signatures are not complete.',
    0,
    r.released ? {} : { bold: true },
  );
  line(`Content hash now: ${r.contentHash}`);
  line(`Times are shown as recorded (UTC) and, for signatures, in the plant's time zone ${r.timeZone}.`);

  heading(`Exceptions (${r.exceptions.length})`);
  none(r.exceptions, 'exceptions: nothing deviated from the plan or the limits');
  for (const e of r.exceptions) line(`[${e.kind}] ${e.text}  (see ${e.ref})`, 8, { color: RED });

  heading('Signatures');
  none(r.signatures, 'signatures yet');
  for (const s of r.signatures) {
    line(`${s.printedName} (${s.signerId})  -  ${s.meaningText}  -  ${s.signedAtLocal}`, 8, { bold: true });
    line(
      `meaning ${s.meaning}, by ${s.method}${s.comment ? `, comment: ${s.comment}` : ''}; ${s.valid ? 'valid: the record is as signed' : `INVALID: ${s.invalidReason ?? ''}`}`,
      16,
      s.valid ? {} : { color: RED },
    );
  }
  for (const m of r.required.missing) line(`Still required: ${m.meaning} by ${m.roles.join(' or ')}`, 8, { color: RED });

  if (options.serial) {
    heading(`Serial ${options.serial.id}`);
    for (const h of options.serial.history) line(h, 8);
  }

  heading('Order');
  line(
    `Routing ${o.routingId}${o.routingVersion !== undefined ? ` version ${o.routingVersion}` : ''}${o.bomId ? `, BOM ${o.bomId}` : ''}, work center ${o.workCenterId}${o.externalRef ? `, ERP ${o.externalRef}` : ''}`,
  );
  line(
    `Status ${o.status}; created ${o.createdAt} by ${o.createdBy}; released ${o.releasedAt ?? '-'}; started ${o.startedAt ?? '-'}; completed ${o.completedAt ?? '-'}; closed ${o.closedAt ?? '-'}`,
  );

  heading('Operations');
  for (const op of r.operations) {
    line(`${op.seq}  ${op.name}  (${op.workCenterId}, ${op.status})${op.rework ? `, rework for ${op.rework.nonconformanceId}` : ''}`, 0, {
      bold: true,
      gapBefore: 4,
    });
    line(
      `Started ${op.startedAt ?? '-'} by ${op.startedBy ?? '-'}; completed ${op.completedAt ?? '-'} by ${op.completedBy ?? '-'}; good ${op.goodQty}${uom}, scrap ${op.scrapQty}${uom}`,
      8,
    );
    for (const d of op.documents ?? [])
      line(`Ran by document ${d.id} version ${d.version}: ${d.title} (content sha-256 ${d.contentHash.slice(0, 16)}…)`, 8);
    if (op.instructions) line(`Instructions: ${op.instructions}`, 8);
    for (const v of op.values) {
      const limits = [v.min !== undefined ? `min ${v.min}` : '', v.max !== undefined ? `max ${v.max}` : ''].filter(Boolean).join(', ') || 'no limits';
      line(
        `${v.label}: ${String(v.value)}${v.unit ? ` ${v.unit}` : ''} (${limits}) ${v.within ? 'within' : 'OUT OF LIMITS'}, ${v.recordedAt} by ${v.recordedBy}`,
        8,
        v.within ? {} : { color: RED },
      );
    }
    for (const rep of op.reports) {
      line(
        `#${rep.version} ${rep.action} ${rep.at} by ${rep.by}${rep.goodQty !== undefined ? `, good ${rep.goodQty >= 0 ? '+' : ''}${rep.goodQty}` : ''}${rep.scrapQty !== undefined ? `, scrap ${rep.scrapQty >= 0 ? '+' : ''}${rep.scrapQty}` : ''}${rep.comment ? `: ${rep.comment}` : ''}`,
        8,
      );
    }
    for (const c of op.consumed) {
      line(
        `Consumed ${c.quantity} of ${c.materialName ?? c.materialId}, ${c.kind} ${c.id}${c.supplierLot ? `, supplier lot ${c.supplierLot}` : ''}${c.supplierId ? ` (${c.supplierId})` : ''}${c.backflush ? ', backflushed' : ''}, ${c.at} by ${c.by}`,
        8,
      );
    }
  }

  heading('Produced');
  none([...r.produced.lots, ...r.produced.serials], 'tracked output');
  for (const lot of r.produced.lots) line(`Lot ${lot.id} (from unit ${lot.fromUnit})`, 8);
  if (r.produced.serials.length) line(`Serials (${r.produced.serials.length}): ${r.produced.serials.join(', ')}`, 8);

  heading('Inspections');
  none(r.inspections, 'inspections');
  for (const i of r.inspections) {
    line(
      `${i.inspectionId} attempt ${i.attempt}: ${i.passed ? 'passed' : 'FAILED'}, ${i.defectiveUnits} of ${i.sampleSize} defective (plan ${i.planId} v${i.planVersion}), ${i.recordedAt} by ${i.recordedBy}${i.superseded ? ', inspected again later' : ''}${i.reason ? `; reason: ${i.reason}` : ''}`,
      8,
      i.passed ? {} : { color: RED },
    );
  }

  heading('Nonconformances');
  none(r.nonconformances, 'nonconformances');
  for (const nc of r.nonconformances) {
    line(
      `${nc.id} (${nc.status}): ${nc.quantity} ${nc.defectName ?? nc.defectCode}${nc.seq !== undefined ? ` at operation ${nc.seq}` : ''}${nc.lotId ? `, lot ${nc.lotId}` : ''}${nc.serialId ? `, serial ${nc.serialId}` : ''}: ${nc.description}`,
      8,
    );
    line(
      `Reported ${nc.reportedAt} by ${nc.reportedBy}${nc.disposition ? `; disposition ${nc.disposition} by ${nc.decidedBy ?? '-'}` : ''}${nc.approvedBy ? `, approved by ${nc.approvedBy}` : ''}${nc.closedAt ? `; closed ${nc.closedAt}` : ''}`,
      16,
    );
  }

  heading('Holds');
  none(r.holds, 'holds');
  for (const h of r.holds)
    line(
      `Held ${h.heldAt} by ${h.heldBy}${h.reason ? ` (${h.reason})` : ''}${h.comment ? `: ${h.comment}` : ''}; ${h.releasedAt ? `released ${h.releasedAt} by ${h.releasedBy}` : 'still on hold'}`,
      8,
    );

  heading('Corrections');
  none(r.corrections, 'corrections');
  for (const c of r.corrections) {
    line(`#${c.version} ${c.at} by ${c.by} corrects #${c.corrects} (${c.target}); reason: ${c.reason ?? '-'}`, 8);
    for (const ch of c.changes) line(`${ch.field}: ${JSON.stringify(ch.from)} -> ${JSON.stringify(ch.to)}`, 16);
  }

  heading('Machine data');
  none(r.machineData, 'machine data');
  for (const m of r.machineData) {
    line(`Operation ${m.seq}: machine counted ${m.machineGoodQty} good, ${m.machineRejectQty} rejected`, 8);
    for (const [name, p] of Object.entries(m.process)) {
      line(
        `${name}: ${p.count} values, min ${p.min ?? '-'}, max ${p.max ?? '-'}, mean ${p.mean ?? '-'}, ${p.outOfLimits} outside limits`,
        16,
        p.outOfLimits ? { color: RED } : {},
      );
    }
  }

  heading('Downtime during the order');
  none(r.downtime, 'downtime');
  for (const d of r.downtime)
    line(
      `${d.equipmentId} ${d.state} ${d.start} to ${d.end ?? 'now'} (${Math.round(d.seconds)} s)${d.reasonName ? `: ${d.reasonName}` : d.reasonCode ? `: ${d.reasonCode}` : ''}`,
      8,
    );

  heading('End of record');
  line(`${r.exceptions.length} exceptions, ${r.signatures.length} signatures. Generated at ${r.generatedAt}.`);
  return L;
}

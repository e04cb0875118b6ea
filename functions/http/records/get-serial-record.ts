/** GET /v1/serials/{id}/record: a serial's device history record as JSON, or as a PDF. */
import { accepts, httpHandler } from '#functions/lib/http.ts';
import { records } from '#functions/lib/record-services.ts';
import { routes } from '#shared/api/routes/records.ts';

export const handler = httpHandler(routes.getSerialRecord, async ({ auth, params, headers }) => {
  const dhr = await records.serialRecord(auth, params.id);
  if (!accepts(headers, 'application/pdf')) return { body: dhr };
  const { renderBatchRecordPdf } = await import('#functions/lib/record-pdf.ts');
  const history = dhr.history.map((h) => `${h.at}  ${h.type} by ${h.by}${h.reason ? ` (${h.reason})` : ''}`);
  const bytes = await renderBatchRecordPdf(dhr.record, { title: `Device history record ${dhr.serialId}`, serial: { id: dhr.serialId, history } });
  return { body: undefined, binary: { contentType: 'application/pdf', bytes, filename: `${dhr.serialId}-dhr.pdf` } };
});

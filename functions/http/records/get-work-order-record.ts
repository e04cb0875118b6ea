/** GET /v1/work-orders/{id}/record: the batch record as JSON, or as a PDF (the renderer imported only then). */
import { accepts, httpHandler } from '#functions/lib/http.ts';
import { records } from '#functions/lib/record-services.ts';
import { routes } from '#shared/api/routes/records.ts';

export const handler = httpHandler(routes.getWorkOrderRecord, async ({ auth, params, headers }) => {
  const record = await records.workOrderRecord(auth, params.id);
  if (!accepts(headers, 'application/pdf')) return { body: record };
  const { renderBatchRecordPdf } = await import('#functions/lib/record-pdf.ts');
  const bytes = await renderBatchRecordPdf(record, { title: `Batch record ${record.workOrderId}` });
  return { body: undefined, binary: { contentType: 'application/pdf', bytes, filename: `${record.workOrderId}-record.pdf` } };
});

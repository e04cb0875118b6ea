/**
 * Which lot or serial of this plant a scanned code names (components/scan.tsx gives a
 * ParsedCode): for any screen that takes a scan (the lot page, the trace, the consume step).
 * - A lot or serial number of ours: that lot or serial.
 * - A bare number (plain barcode, typed): a lot of that number, else a serial.
 * - A supplier's GS1 label ((01) their GTIN of our material, (10) their lot): the lots received
 *   with that supplier lot number, of the material with that GTIN (a split's parts keep it, so
 *   there may be several).
 */
import { toGtin14 } from '../../shared/domain/tracking/gs1.ts';
import { ApiError, api } from './api.ts';
import type { ParsedCode } from './components/scan.tsx';

export interface ScannedItem {
  kind: 'lot' | 'serial';
  id: string;
}

const missing = (error: unknown) => error instanceof ApiError && (error.status === 404 || error.status === 400);

async function exists(kind: 'lot' | 'serial', id: string): Promise<boolean> {
  try {
    if (kind === 'lot') await api.call('getLot', { params: { id } });
    else await api.call('getSerial', { params: { id } });
    return true;
  } catch (error) {
    if (missing(error)) return false;
    throw error;
  }
}

/** The lots of the material with this GTIN whose supplier lot number is `supplierLot`, those that may still be used first. */
async function bySupplierLot(gtin: string, supplierLot: string): Promise<ScannedItem[]> {
  const materials = (await api.allPages('listMaterials')).filter((m) => m.gtin !== undefined && toGtin14(m.gtin) === gtin);
  const lots = (await Promise.all(materials.map((m) => api.allPages('listLots', { query: { materialId: m.id } })))).flat();
  const rank = (status: string) => (status === 'available' ? 0 : status === 'on-hold' ? 1 : 2);
  return lots
    .filter((lot) => lot.supplierLot === supplierLot)
    .sort((a, b) => rank(a.status) - rank(b.status))
    .map((lot) => ({ kind: 'lot' as const, id: lot.id }));
}

/** The lots and serials a code names here: none, one, or (a supplier lot split here) several. */
export async function resolveScanned(code: ParsedCode): Promise<ScannedItem[]> {
  if (code.kind === 'serial') return (await exists('serial', code.id)) ? [{ kind: 'serial', id: code.id }] : [];
  if (await exists('lot', code.id)) return [{ kind: 'lot', id: code.id }];
  if (code.kind === 'unknown') return (await exists('serial', code.id)) ? [{ kind: 'serial', id: code.id }] : [];
  return code.gtin ? bySupplierLot(code.gtin, code.id) : [];
}

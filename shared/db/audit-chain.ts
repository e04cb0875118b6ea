/**
 * The audit chain in the store (issue 16; shared/domain/audit/chain.ts says what is hashed).
 * Every audit writer builds its audit item with `chainedAudit` (or `chainedAudits` for several
 * records of one chain in one transaction) from the head the audited record carried when read,
 * and puts the new head (`auditHead`) on the audited record in the same transaction: that
 * write is already conditioned on the record's version, so two commands never link to the same
 * head.
 *
 * The head travels with the record read: stripKeys (items.ts) takes `auditHead` off the stored
 * item (so no API response shows it) and hangs it on the record under AUDIT_HEAD, a symbol
 * property (no JSON and no diff sees it; a spread keeps it); `auditHeadOf(before)` gives it back
 * to the writer.
 */
import { type AuditHead, CHECKPOINT_CHAIN, type ChainFields, linkRecords, STORE_ATTRIBUTES } from '../domain/audit/chain.ts';
import type { ExportedRecord } from '../domain/audit/service.ts';
import type { MasterDataKind } from '../domain/master-data/model.ts';
import { keys } from './keys.ts';

export type { AuditHead };

export const AUDIT_HEAD: unique symbol = Symbol('auditHead');

/** The audit head a record carried when it was read (undefined: a new record, or none yet). */
export function auditHeadOf(record: object | undefined): AuditHead | undefined {
  return record ? (record as { [AUDIT_HEAD]?: AuditHead })[AUDIT_HEAD] : undefined;
}

/**
 * Hangs an audit head on a record read, under a symbol: JSON (every API response), Object.keys
 * and so diffs never see it, while a spread of the record (`{ ...header, operations }`) keeps it.
 */
export function attachAuditHead<T extends object>(record: T, head: unknown): T {
  if (head && typeof head === 'object') (record as Record<symbol, unknown>)[AUDIT_HEAD] = head;
  return record;
}

/** A chain's name: its partition without the tenant (`WO#WO-1`), or, where one partition holds several chains, what the writer names. */
export const chainOfPartition = (tenantId: string, pk: string) => pk.slice(tenantId.length + 1);

interface Key {
  pk: string;
  sk: string;
}

/**
 * Audit records of ONE chain, in order, as items to Put (`attribute_not_exists`): each with its
 * chain fields and time-index keys, linked after `previous`. `head` is what the audited record
 * must carry (`auditHead`) in the same transaction.
 */
export function chainedAudits<A extends { at: string }>(
  tenantId: string,
  auditKeys: readonly Key[],
  audits: readonly A[],
  previous: AuditHead | undefined,
  chain = chainOfPartition(tenantId, auditKeys[0]?.pk ?? ''),
): { items: (Key & { entity: 'Audit' } & A & ChainFields)[]; head: AuditHead | undefined } {
  const { records, head } = linkRecords(chain, previous, audits);
  const items = records.map((record, i) => {
    const key = auditKeys[i];
    if (!key) throw new Error('an audit record without its key');
    return { ...key, ...keys.auditByTime(tenantId, record.at, chain, record.seq), entity: 'Audit' as const, ...record };
  });
  return { items, head };
}

/** One audit record as an item to Put, and the head its audited record carries after it. */
export function chainedAudit<A extends { at: string }>(
  tenantId: string,
  key: Key,
  audit: A,
  previous: AuditHead | undefined,
  chain?: string,
): { item: Key & { entity: 'Audit' } & A & ChainFields; head: AuditHead } {
  const { items, head } = chainedAudits(tenantId, [key], [audit], previous, chain);
  return { item: items[0] as Key & { entity: 'Audit' } & A & ChainFields, head: head as AuditHead };
}

// ---------- Reading chains back ----------

/** An audit item as the API exports it: the record with its chain fields and its place in the store (`position`, from its key). */
export function auditRecordOf(item: Record<string, unknown>): ExportedRecord {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!(STORE_ATTRIBUTES as readonly string[]).includes(k)) out[k] = v;
  const match = /AUDIT#(\d+)$/.exec(String(item.sk));
  return { ...out, position: match ? Number(match[1]) : Number.NaN } as ExportedRecord;
}

/**
 * Where a chain's records and head live: the audit partition, the sort key prefix of its
 * records (`{prefix}{seq:8}`), and the key of the audited record that carries `auditHead`.
 */
export function chainLocation(tenantId: string, chain: string): { pk: string; skPrefix: string; head: Key } | undefined {
  const parts = chain.split('#');
  const [kind = '', ...rest] = parts;
  const id = rest.join('#');
  const pk = `${tenantId}#${chain}`;
  switch (kind) {
    case 'WO':
      return { pk, skPrefix: 'AUDIT#', head: keys.workOrder(tenantId, id) };
    case 'LOT':
      return { pk, skPrefix: 'AUDIT#', head: keys.lot(tenantId, id) };
    case 'SN':
      return { pk, skPrefix: 'AUDIT#', head: keys.serial(tenantId, id) };
    case 'RECALL':
      return { pk, skPrefix: 'AUDIT#', head: keys.recall(tenantId, id) };
    case 'NC':
      return { pk, skPrefix: 'AUDIT#', head: keys.nonconformance(tenantId, id) };
    case 'SPC':
      return { pk, skPrefix: 'AUDIT#', head: keys.spcState(tenantId, id) };
    case 'DOC':
      return { pk, skPrefix: 'AUDIT#', head: keys.document(tenantId, id) };
    case 'DEVICE':
      return { pk, skPrefix: 'AUDIT#', head: keys.device(tenantId, id) };
    // Maintenance (issue 18): a request's chain and a preventive plan's.
    case 'MR':
      return { pk, skPrefix: 'AUDIT#', head: keys.maintenanceRequest(tenantId, id) };
    case 'MPLAN':
      return { pk, skPrefix: 'AUDIT#', head: keys.maintenancePlan(tenantId, id) };
    case 'SIGNING':
      return { pk, skPrefix: 'AUDIT#', head: keys.signingState(tenantId, id) };
    case 'LABOR':
      // A person's labor (issue 18), chained on its head.
      return { pk, skPrefix: 'AUDIT#', head: keys.laborHead(tenantId, id) };
    case 'USER':
      return { pk, skPrefix: 'AUDIT#', head: keys.user(tenantId, id) };
    case 'PQUAL':
      return { pk, skPrefix: 'AUDIT#', head: keys.personQualifications(tenantId, id) };
    case 'PLANT':
      return { pk, skPrefix: 'AUDIT#', head: keys.plant(tenantId, id) };
    case 'MDAUDIT': {
      const [mdKind = '', ...idParts] = rest;
      return { pk, skPrefix: 'AUDIT#', head: keys.masterData(tenantId, mdKind as MasterDataKind, idParts.join('#')) };
    }
    case 'INTEGAUDIT': {
      const [what, ...idParts] = rest;
      const recordId = idParts.join('#');
      return {
        pk,
        skPrefix: 'AUDIT#',
        head: what === 'credential' ? keys.integrationCredential(tenantId, recordId) : keys.webhookEndpoint(tenantId, recordId),
      };
    }
    case 'RATE':
      // The plant's request limits (issue 17): set by platform operators, chained on the bucket item.
      return id ? undefined : { pk, skPrefix: 'AUDIT#', head: keys.rateBucket(tenantId) };
    case 'EQ': {
      const d = rest.indexOf('DOWNTIME');
      if (d < 0) return undefined;
      const equipmentId = rest.slice(0, d).join('#');
      const start = rest.slice(d + 1).join('#');
      // An id that names no unit or no start time (`{equipmentId}@{start ISO}`) names no chain: nothing to read.
      if (!equipmentId || Number.isNaN(Date.parse(start))) return undefined;
      return {
        pk: keys.downtimeReasonPartition(tenantId, equipmentId),
        skPrefix: `${start}#AUDIT#`,
        head: keys.downtimeReason(tenantId, equipmentId, Date.parse(start)),
      };
    }
    default:
      return chain === CHECKPOINT_CHAIN
        ? { pk: keys.checkpointPartition(tenantId), skPrefix: 'AUDIT#', head: keys.checkpointHead(tenantId) }
        : undefined;
  }
}

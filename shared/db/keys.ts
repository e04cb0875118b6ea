/**
 * The key design, in one place. Every partition key, in the table and in every GSI, starts
 * with the tenant id, so one tenant can never address another's items and tests isolate
 * themselves by tenant for free. ACCESS-PATTERNS.md lists what each key serves.
 */
import type { MasterDataKind } from '../domain/master-data/model.ts';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const keys = {
  /** Master data of one kind lives in one partition per tenant: get = GetItem, list = Query. */
  masterData: (tenantId: string, kind: MasterDataKind, id: string) => ({
    pk: `${tenantId}#MD#${kind}`,
    sk: id,
  }),
  masterDataPartition: (tenantId: string, kind: MasterDataKind) => `${tenantId}#MD#${kind}`,
  /** Each master data record keeps its own audit trail, by version. */
  masterDataAudit: (tenantId: string, kind: MasterDataKind | 'settings', id: string, version: number) => ({
    pk: `${tenantId}#MDAUDIT#${kind}#${id}`,
    sk: `AUDIT#${pad(version, 8)}`,
  }),

  // ---------- Organizations (issue 17, i17-org; docs/organizations.md) ----------

  /**
   * An organization's record, in its own namespace tenant (`org-{id}`): its name and member
   * plants. Its audit trail (chain `ORG`) beside it, by version.
   */
  organization: (orgTenant: string) => ({ pk: `${orgTenant}#ORG`, sk: 'ORG' }),
  organizationAudit: (orgTenant: string, version: number) => ({ pk: `${orgTenant}#ORG`, sk: `AUDIT#${pad(version, 8)}` }),
  /** A master data template of the organization (kind: a master data kind), versioned, and its audit trail. */
  orgTemplate: (orgTenant: string, kind: MasterDataKind, id: string) => ({ pk: `${orgTenant}#TPL#${kind}`, sk: id }),
  orgTemplatePartition: (orgTenant: string, kind: MasterDataKind) => `${orgTenant}#TPL#${kind}`,
  orgTemplateAudit: (orgTenant: string, kind: MasterDataKind, id: string, version: number) => ({
    pk: `${orgTenant}#TPLAUDIT#${kind}#${id}`,
    sk: `AUDIT#${pad(version, 8)}`,
  }),

  tenantSettings: (tenantId: string) => ({ pk: `${tenantId}#MD#settings`, sk: 'settings' }),

  /**
   * The plant's request bucket (issue 17, fair use): tokens, their refill time and the limits a
   * platform operator set; its audit chain (`RATE`) in the same partition. Under the tenant's
   * own prefix, so it needs no exception to tenant-scoped credentials.
   */
  rateBucket: (tenantId: string) => ({ pk: `${tenantId}#RATE`, sk: 'BUCKET' }),
  rateAudit: (tenantId: string, version: number) => ({ pk: `${tenantId}#RATE`, sk: `AUDIT#${pad(version, 8)}` }),

  /** A work order is one item collection: header, operations, audit trail and outbox. */
  workOrderPartition: (tenantId: string, workOrderId: string) => `${tenantId}#WO#${workOrderId}`,
  workOrder: (tenantId: string, workOrderId: string) => ({
    pk: keys.workOrderPartition(tenantId, workOrderId),
    sk: 'WO',
  }),
  operation: (tenantId: string, workOrderId: string, seq: number) => ({
    pk: keys.workOrderPartition(tenantId, workOrderId),
    sk: `OP#${pad(seq, 4)}`,
  }),
  /** Audit records sort by the order's version: each command bumps it exactly once. */
  audit: (tenantId: string, workOrderId: string, version: number) => ({
    pk: keys.workOrderPartition(tenantId, workOrderId),
    sk: `AUDIT#${pad(version, 8)}`,
  }),
  /** Outbox events, read from the table stream by the dispatcher. */
  outboxEvent: (tenantId: string, workOrderId: string, version: number, n: number) => ({
    pk: keys.workOrderPartition(tenantId, workOrderId),
    sk: `EVT#${pad(version, 8)}#${pad(n, 2)}`,
  }),
  /**
   * An inspection's recorded attempt (issue 15), in the order's item collection, by operation,
   * plan, inspection number and attempt. 'INSP#…' sorts before 'OP#', so the order's own Query
   * (`sk >= 'OP#'`) never reads results; the due list reads them with a second Query by prefix.
   */
  inspectionResult: (tenantId: string, workOrderId: string, seq: number, planId: string, k: number, attempt: number) => ({
    pk: keys.workOrderPartition(tenantId, workOrderId),
    sk: `INSP#${pad(seq, 4)}#${planId}#${pad(k, 7)}#${pad(attempt, 3)}`,
  }),
  /**
   * A nonconformance that names the order (issue 16), written when it opens: the batch record
   * finds every nonconformance of its order here, held or not. 'NCREF#' sorts between 'INSP#'
   * and 'OP#', so the order's own Query (`sk >= 'OP#'`) never reads it.
   */
  nonconformanceRef: (tenantId: string, workOrderId: string, ncId: string) => ({
    pk: keys.workOrderPartition(tenantId, workOrderId),
    sk: `NCREF#${ncId}`,
  }),
  /** The batch record's Query of an order's collection from here: inspections, references, operations, signatures, header. */
  workOrderRecordFrom: 'INSP#',
  /** The prefix of an order's inspection results, or of one operation's. */
  inspectionResultsPrefix: (seq?: number) => (seq === undefined ? 'INSP#' : `INSP#${pad(seq, 4)}#`),
  /** `sk >= 'OP#'` selects the operations and the header ('OP#…' < 'WO'), not audit or outbox. */
  workOrderWithOperationsFrom: 'OP#',
  auditPrefix: 'AUDIT#',

  /** gsi1: all work orders of a tenant by status, then due date. */
  workOrdersByStatus: (tenantId: string, status: string, dueDate: string, workOrderId: string) => ({
    gsi1pk: `${tenantId}#WO`,
    gsi1sk: `${status}#${dueDate}#${workOrderId}`,
  }),
  workOrdersByStatusPartition: (tenantId: string) => `${tenantId}#WO`,

  /** gsi2: work orders of one work center by status, then due date. */
  workOrdersByWorkCenter: (tenantId: string, workCenterId: string, status: string, dueDate: string, workOrderId: string) => ({
    gsi2pk: `${tenantId}#WC#${workCenterId}#WO`,
    gsi2sk: `${status}#${dueDate}#${workOrderId}`,
  }),
  workOrdersByWorkCenterPartition: (tenantId: string, workCenterId: string) => `${tenantId}#WC#${workCenterId}#WO`,

  /**
   * gsi2, sparse: an operation carries these only while READY, RUNNING or PAUSED, so the
   * dispatch list is one Query in priority, then due date order.
   */
  dispatchEntry: (tenantId: string, workCenterId: string, priority: number, dueDate: string, workOrderId: string, seq: number) => ({
    gsi2pk: `${tenantId}#WC#${workCenterId}#DISPATCH`,
    gsi2sk: `${pad(priority, 3)}#${dueDate}#${workOrderId}#${pad(seq, 4)}`,
  }),
  dispatchPartition: (tenantId: string, workCenterId: string) => `${tenantId}#WC#${workCenterId}#DISPATCH`,

  // ---------- Telemetry (issue 3; docs/telemetry.md) ----------

  /**
   * What ran at a work center when: an item per operation start, pause, resume and complete,
   * written in the command's transaction, so telemetry can be attributed to order and operator.
   */
  operationContextPartition: (tenantId: string, workCenterId: string) => `${tenantId}#WC#${workCenterId}#CTX`,
  operationContext: (tenantId: string, workCenterId: string, at: string, workOrderId: string, seq: number) => ({
    pk: `${tenantId}#WC#${workCenterId}#CTX`,
    sk: `${at}#${workOrderId}#${pad(seq, 4)}`,
  }),

  /** State transitions of one unit, by time: one idempotent item per state message. */
  equipmentStatePartition: (tenantId: string, equipmentId: string) => `${tenantId}#EQ#${equipmentId}#STATE`,
  equipmentState: (tenantId: string, equipmentId: string, ts: number, msgId: string) => ({
    pk: `${tenantId}#EQ#${equipmentId}#STATE`,
    sk: `${new Date(ts).toISOString()}#${msgId}`,
  }),
  /**
   * Presence (issue 13). Lifecycle events of one MQTT client id (a unit's or a gateway's thing
   * name), by time: one idempotent item per event (its time, version and kind make the key, so
   * a duplicate rewrites itself); read back ordered by version, then time.
   */
  connectionPartition: (tenantId: string, clientId: string) => `${tenantId}#CONN#${clientId}`,
  connectionEvent: (tenantId: string, clientId: string, ts: number, version: number, connected: boolean) => ({
    pk: `${tenantId}#CONN#${clientId}`,
    sk: `${new Date(ts).toISOString()}#${pad(version, 20)}#${connected ? 'C' : 'D'}`,
  }),
  /** A unit's declared presence (its gateway's presence samples, its own Last Will), by time: one idempotent item per sample. */
  declaredPresencePartition: (tenantId: string, equipmentId: string) => `${tenantId}#EQ#${equipmentId}#PRESENCE`,
  declaredPresence: (tenantId: string, equipmentId: string, ts: number, msgId: string) => ({
    pk: `${tenantId}#EQ#${equipmentId}#PRESENCE`,
    sk: `${new Date(ts).toISOString()}#${msgId}`,
  }),
  /** Reasons people gave downtime events, by the event's start, each with its audit trail. */
  downtimeReasonPartition: (tenantId: string, equipmentId: string) => `${tenantId}#EQ#${equipmentId}#DOWNTIME`,
  downtimeReason: (tenantId: string, equipmentId: string, start: number) => ({
    pk: `${tenantId}#EQ#${equipmentId}#DOWNTIME`,
    sk: new Date(start).toISOString(),
  }),
  downtimeReasonAudit: (tenantId: string, equipmentId: string, start: number, version: number) => ({
    pk: `${tenantId}#EQ#${equipmentId}#DOWNTIME`,
    sk: `${new Date(start).toISOString()}#AUDIT#${pad(version, 8)}`,
  }),
  /** gsi1: every state change of a tenant in the order it arrived, for the live feed. */
  stateChangeFeed: (tenantId: string, receivedAt: number, equipmentId: string, msgId: string) => ({
    gsi1pk: `${tenantId}#STATECHG`,
    gsi1sk: `${new Date(receivedAt).toISOString()}#${equipmentId}#${msgId}`,
  }),
  stateChangeFeedPartition: (tenantId: string) => `${tenantId}#STATECHG`,
  /** Counts and process aggregates of a group of units, one item per minute, a partition per UTC day. */
  telemetryPartition: (tenantId: string, group: number, day: string) => `${tenantId}#TLM#${group}#${day}`,
  telemetryBucket: (tenantId: string, group: number, minuteStart: number) => {
    const iso = new Date(minuteStart).toISOString();
    return { pk: `${tenantId}#TLM#${group}#${iso.slice(0, 10)}`, sk: iso.slice(11, 16) };
  },
  /**
   * A group's day rolled up from its minute items (shared/telemetry/rollup.ts): a partition per
   * group holds every day, so a year of a group is one Query. TTL: the plant's daily retention.
   */
  telemetryDayPartition: (tenantId: string, group: number) => `${tenantId}#TLMDAY#${group}`,
  telemetryDay: (tenantId: string, group: number, dayStart: number) => ({
    pk: `${tenantId}#TLMDAY#${group}`,
    sk: new Date(dayStart).toISOString().slice(0, 10),
  }),
  /** How far the rollup of a tenant got (the last UTC day rolled up). */
  telemetryRollupState: (tenantId: string) => ({ pk: `${tenantId}#TLMROLLUP`, sk: 'STATE' }),
  /**
   * The one partition that is not a tenant's: which tenants sent telemetry, so the scheduled
   * rollup knows whom to roll up. It holds tenant ids only, no tenant data, and nothing reads it
   * on behalf of a tenant.
   */
  telemetryTenantsPartition: 'SYSTEM#TLMTENANTS',
  telemetryTenant: (tenantId: string) => ({ pk: 'SYSTEM#TLMTENANTS', sk: tenantId }),
  /** Messages that failed validation, kept with their reason and raw payload (TTL 30 days). */
  rejectedMessage: (tenantId: string, receivedAt: number, recordId: string, n: number) => {
    const iso = new Date(receivedAt).toISOString();
    return { pk: `${tenantId}#REJECTED#${iso.slice(0, 10)}`, sk: `${iso}#${recordId}#${pad(n, 4)}` };
  },
  rejectedPartition: (tenantId: string, day: string) => `${tenantId}#REJECTED#${day}`,

  /**
   * The plant's live view (issue 13): one item per work unit in one partition per tenant, so
   * the plant overview is one Query; every change is on the table stream for the live feed.
   */
  liveUnit: (tenantId: string, equipmentId: string) => ({ pk: `${tenantId}#LIVE`, sk: `UNIT#${equipmentId}` }),
  livePartition: (tenantId: string) => `${tenantId}#LIVE`,
  liveUnitPrefix: 'UNIT#',
  /**
   * The tenants whose live view changed on a UTC day (TTL), for the OEE refresh job: the one
   * partition no tenant owns (it holds tenant ids only; a tenant id is never empty, so no
   * tenant's key starts with '#').
   */
  liveTenant: (day: string, tenantId: string) => ({ pk: `#LIVE-TENANTS#${day}`, sk: tenantId }),
  liveTenantsPartition: (day: string) => `#LIVE-TENANTS#${day}`,

  // ---------- ERP integration (issue 4; docs/webhooks.md) ----------

  /** Inbound credentials of a tenant: one partition, get = GetItem, list = Query. */
  integrationCredential: (tenantId: string, credentialId: string) => ({ pk: `${tenantId}#INTEG#CRED`, sk: credentialId }),
  integrationCredentialPartition: (tenantId: string) => `${tenantId}#INTEG#CRED`,
  /** Webhook endpoints of a tenant: one partition, so the dispatcher reads them in one Query. */
  webhookEndpoint: (tenantId: string, endpointId: string) => ({ pk: `${tenantId}#WH#EP`, sk: endpointId }),
  webhookEndpointPartition: (tenantId: string) => `${tenantId}#WH#EP`,
  /**
   * One event for one endpoint, with its attempts. The message id is the event id, a UUIDv7,
   * so the partition sorts by time: newest first is a backwards Query, "since" a range.
   */
  webhookMessage: (tenantId: string, endpointId: string, messageId: string) => ({ pk: `${tenantId}#WH#${endpointId}#MSG`, sk: messageId }),
  webhookMessagePartition: (tenantId: string, endpointId: string) => `${tenantId}#WH#${endpointId}#MSG`,
  /** Audit trail of credentials and endpoints (who created, rotated, revoked, changed). */
  integrationAudit: (tenantId: string, kind: 'credential' | 'webhook-endpoint', id: string, version: number) => ({
    pk: `${tenantId}#INTEGAUDIT#${kind}#${id}`,
    sk: `AUDIT#${pad(version, 8)}`,
  }),

  // ---------- Product tracking and genealogy (issue 14; docs/tracking.md) ----------

  /**
   * A lot is one item collection: the lot (`LOT`), its movements (`MOV#{version}`), its audit
   * trail (`AUDIT#{version}`) and its outbox events (`EVT#{version}#{n}`), as a work order's is.
   */
  lotPartition: (tenantId: string, lotId: string) => `${tenantId}#LOT#${lotId}`,
  lot: (tenantId: string, lotId: string) => ({ pk: `${tenantId}#LOT#${lotId}`, sk: 'LOT' }),
  lotMovement: (tenantId: string, lotId: string, version: number) => ({ pk: `${tenantId}#LOT#${lotId}`, sk: `MOV#${pad(version, 8)}` }),
  lotAudit: (tenantId: string, lotId: string, version: number) => ({ pk: `${tenantId}#LOT#${lotId}`, sk: `AUDIT#${pad(version, 8)}` }),
  lotOutboxEvent: (tenantId: string, lotId: string, version: number, n: number) => ({
    pk: `${tenantId}#LOT#${lotId}`,
    sk: `EVT#${pad(version, 8)}#${pad(n, 2)}`,
  }),
  /** gsi1: a tenant's lots of one material by status, then when made. */
  lotsByMaterial: (tenantId: string, materialId: string, status: string, createdAt: string, lotId: string) => ({
    gsi1pk: `${tenantId}#LOTS#${materialId}`,
    gsi1sk: `${status}#${createdAt}#${lotId}`,
  }),
  lotsByMaterialPartition: (tenantId: string, materialId: string) => `${tenantId}#LOTS#${materialId}`,
  /** gsi2: all of a tenant's lots by status, then when made. */
  lotsByStatus: (tenantId: string, status: string, createdAt: string, lotId: string) => ({
    gsi2pk: `${tenantId}#LOTS`,
    gsi2sk: `${status}#${createdAt}#${lotId}`,
  }),
  lotsByStatusPartition: (tenantId: string) => `${tenantId}#LOTS`,
  /** A serial is its own item collection too: the serial (`SN`), its movements and audit trail. */
  serialPartition: (tenantId: string, serialId: string) => `${tenantId}#SN#${serialId}`,
  serial: (tenantId: string, serialId: string) => ({ pk: `${tenantId}#SN#${serialId}`, sk: 'SN' }),
  serialMovement: (tenantId: string, serialId: string, version: number) => ({ pk: `${tenantId}#SN#${serialId}`, sk: `MOV#${pad(version, 8)}` }),
  serialAudit: (tenantId: string, serialId: string, version: number) => ({ pk: `${tenantId}#SN#${serialId}`, sk: `AUDIT#${pad(version, 8)}` }),
  serialOutboxEvent: (tenantId: string, serialId: string, version: number, n: number) => ({
    pk: `${tenantId}#SN#${serialId}`,
    sk: `EVT#${pad(version, 8)}#${pad(n, 2)}`,
  }),
  lotMovementPrefix: 'MOV#',
  /**
   * The serials an order made, in the order made: one small item per serial in a partition of
   * the order's own (not its item collection, which a command reads whole), so a consumption
   * after units were made finds the serials it went into with one strongly consistent Query.
   */
  orderSerialsPartition: (tenantId: string, workOrderId: string) => `${tenantId}#WO#${workOrderId}#SN`,
  orderSerial: (tenantId: string, workOrderId: string, ordinal: number) => ({ pk: `${tenantId}#WO#${workOrderId}#SN`, sk: pad(ordinal, 8) }),
  /**
   * A recall is its own item collection: the recall (`RECALL`), the shipped lots and serials it
   * found (`SHIP#{nodeKey}`: the customers to tell), its audit trail and its outbox events.
   */
  recallPartition: (tenantId: string, recallId: string) => `${tenantId}#RECALL#${recallId}`,
  recall: (tenantId: string, recallId: string) => ({ pk: `${tenantId}#RECALL#${recallId}`, sk: 'RECALL' }),
  recallShipped: (tenantId: string, recallId: string, nodeKey: string) => ({ pk: `${tenantId}#RECALL#${recallId}`, sk: `SHIP#${nodeKey}` }),
  recallShippedPrefix: 'SHIP#',
  recallAudit: (tenantId: string, recallId: string, version: number) => ({ pk: `${tenantId}#RECALL#${recallId}`, sk: `AUDIT#${pad(version, 8)}` }),
  recallOutboxEvent: (tenantId: string, recallId: string, version: number, n: number) => ({
    pk: `${tenantId}#RECALL#${recallId}`,
    sk: `EVT#${pad(version, 8)}#${pad(n, 2)}`,
  }),
  /** The next number of a material's lot or serial pattern: one counter item per material and kind. */
  trackingCounter: (tenantId: string, kind: 'lot' | 'serial', materialId: string) => ({ pk: `${tenantId}#TRKSEQ`, sk: `${kind}#${materialId}` }),

  /**
   * Genealogy: one partition per node (lot or serial, `nodeKey` `lot:{id}` / `serial:{id}`)
   * holds its edges both ways, one item per edge and direction: `OUT#{to}` in the `from` node's
   * partition (where used) and `IN#{from}` in the `to` node's (where from). Beside them, the
   * node's adjacency in chunks (`ADJ#{IN|OUT}#{chunk}`, `GENEALOGY_CHUNK` edges each, the first
   * chunk holding the count `n`), so a trace reads a whole level's edges with BatchGetItem,
   * 100 nodes a call, instead of one Query per node (docs/tracking.md, "Genealogy and trace").
   */
  genealogyPartition: (tenantId: string, nodeKey: string) => `${tenantId}#GEN#${nodeKey}`,
  genealogyOut: (tenantId: string, fromKey: string, toKey: string) => ({ pk: `${tenantId}#GEN#${fromKey}`, sk: `OUT#${toKey}` }),
  genealogyIn: (tenantId: string, toKey: string, fromKey: string) => ({ pk: `${tenantId}#GEN#${toKey}`, sk: `IN#${fromKey}` }),
  genealogyAdjacency: (tenantId: string, nodeKey: string, direction: 'IN' | 'OUT', chunk: number) => ({
    pk: `${tenantId}#GEN#${nodeKey}`,
    sk: `ADJ#${direction}#${pad(chunk, 6)}`,
  }),

  // ---------- Quality: nonconformances (issue 15; docs/quality.md) ----------

  /**
   * A nonconformance is one item collection: the nonconformance (`NC`), its audit trail
   * (`AUDIT#{version}`) and its outbox events (`EVT#{version}#{n}`), as a lot's is.
   */
  nonconformancePartition: (tenantId: string, ncId: string) => `${tenantId}#NC#${ncId}`,
  nonconformance: (tenantId: string, ncId: string) => ({ pk: `${tenantId}#NC#${ncId}`, sk: 'NC' }),
  nonconformanceAudit: (tenantId: string, ncId: string, version: number) => ({ pk: `${tenantId}#NC#${ncId}`, sk: `AUDIT#${pad(version, 8)}` }),
  nonconformanceOutboxEvent: (tenantId: string, ncId: string, version: number, n: number) => ({
    pk: `${tenantId}#NC#${ncId}`,
    sk: `EVT#${pad(version, 8)}#${pad(n, 2)}`,
  }),
  /** gsi1: a tenant's nonconformances by status, newest first (a backwards Query of `{status}#`). */
  nonconformancesByStatus: (tenantId: string, status: string, reportedAt: string, ncId: string) => ({
    gsi1pk: `${tenantId}#NCS`,
    gsi1sk: `${status}#${reportedAt}#${ncId}`,
  }),
  nonconformancesByStatusPartition: (tenantId: string) => `${tenantId}#NCS`,
  /** gsi2: all of a tenant's nonconformances by when reported, newest first (a backwards Query). */
  nonconformancesByTime: (tenantId: string, reportedAt: string, ncId: string) => ({
    gsi2pk: `${tenantId}#NCS`,
    gsi2sk: `${reportedAt}#${ncId}`,
  }),
  /**
   * Which open nonconformances hold a lot, serial or work order (`{kind}:{id}`): one item per
   * thing, written in every transaction that opens or closes one of them, conditioned on its
   * version, so the last one to close (and only it) lifts the hold.
   */
  nonconformanceHold: (tenantId: string, kind: string, id: string) => ({ pk: `${tenantId}#NCHOLD`, sk: `${kind}:${id}` }),
  /** The nonconformance numbers of a year: one counter per tenant and year (NC-{YYYY}-{SEQ:5}). */
  nonconformanceCounter: (tenantId: string, year: string) => ({ pk: `${tenantId}#QSEQ`, sk: `NC#${year}` }),

  // ---------- Controlled documents (issue 16; docs/documents.md) ----------

  /**
   * A controlled document is one item collection: its head (`DOC`, with the approved versions'
   * dates, so the version in force is found with one GetItem), its versions (`VER#{version}`,
   * content written once), its signatures (`SIG#…`), audit trail and outbox events.
   */
  documentPartition: (tenantId: string, documentId: string) => `${tenantId}#DOC#${documentId}`,
  document: (tenantId: string, documentId: string) => ({ pk: `${tenantId}#DOC#${documentId}`, sk: 'DOC' }),
  documentVersion: (tenantId: string, documentId: string, version: number) => ({
    pk: `${tenantId}#DOC#${documentId}`,
    sk: `VER#${pad(version, 5)}`,
  }),
  documentVersionPrefix: 'VER#',
  documentAudit: (tenantId: string, documentId: string, version: number) => ({ pk: `${tenantId}#DOC#${documentId}`, sk: `AUDIT#${pad(version, 8)}` }),
  documentOutboxEvent: (tenantId: string, documentId: string, version: number, n: number) => ({
    pk: `${tenantId}#DOC#${documentId}`,
    sk: `EVT#${pad(version, 8)}#${pad(n, 2)}`,
  }),
  /** gsi1: a tenant's documents by id. */
  // ---------- Devices and gateways (issue 17; docs/devices.md) ----------

  /** A device is one item collection: the record (`DEVICE`), its audit trail and its outbox events. */
  devicePartition: (tenantId: string, deviceId: string) => `${tenantId}#DEVICE#${deviceId}`,
  device: (tenantId: string, deviceId: string) => ({ pk: `${tenantId}#DEVICE#${deviceId}`, sk: 'DEVICE' }),
  deviceAudit: (tenantId: string, deviceId: string, version: number) => ({ pk: `${tenantId}#DEVICE#${deviceId}`, sk: `AUDIT#${pad(version, 8)}` }),
  deviceOutboxEvent: (tenantId: string, deviceId: string, version: number, n: number) => ({
    pk: `${tenantId}#DEVICE#${deviceId}`,
    sk: `EVT#${pad(version, 8)}#${pad(n, 2)}`,
  }),
  /** gsi1: a tenant's devices by id (the admin's list). */
  devicesById: (tenantId: string, deviceId: string) => ({ gsi1pk: `${tenantId}#DEVICES`, gsi1sk: deviceId }),
  devicesPartition: (tenantId: string) => `${tenantId}#DEVICES`,

  documentsById: (tenantId: string, documentId: string) => ({ gsi1pk: `${tenantId}#DOCS`, gsi1sk: documentId }),
  documentsPartition: (tenantId: string) => `${tenantId}#DOCS`,
  // ---------- Quality: SPC (issue 15; docs/spc.md "Charts and storage") ----------

  /**
   * A characteristic (`insp:…`, `data:…`, `proc:…`) is one partition: its values packed per UTC
   * hour and writer (`V#{YYYY-MM-DDTHH}#{workOrderId}`, or `V#{YYYY-MM-DDTHH}` for machine values;
   * spc-value-format.ts; a window is one Query on the sort key; an order's own writes are
   * serialized by its version already, so writers of different orders never meet), the
   * monitor's state (`STATE`: version, baseline in force, last points), its frozen baselines
   * (`BASE#{version}`), audit trail and outbox events.
   */
  spcPartition: (tenantId: string, characteristicId: string) => `${tenantId}#SPC#${characteristicId}`,
  spcValues: (tenantId: string, characteristicId: string, hour: string, workOrderId?: string) => ({
    pk: `${tenantId}#SPC#${characteristicId}`,
    sk: workOrderId === undefined ? `V#${hour}` : `V#${hour}#${workOrderId}`,
  }),
  /** The sort key range of the value items of the hours [fromHour, toHour], whatever their writer. */
  spcValuesRange: (fromHour: string, toHour: string) => ({ from: `V#${fromHour}`, to: `V#${toHour}#\uffff` }),
  spcValuesPrefix: 'V#',
  spcState: (tenantId: string, characteristicId: string) => ({ pk: `${tenantId}#SPC#${characteristicId}`, sk: 'STATE' }),
  spcBaseline: (tenantId: string, characteristicId: string, version: number) => ({
    pk: `${tenantId}#SPC#${characteristicId}`,
    sk: `BASE#${pad(version, 8)}`,
  }),
  spcAudit: (tenantId: string, characteristicId: string, version: number) => ({
    pk: `${tenantId}#SPC#${characteristicId}`,
    sk: `AUDIT#${pad(version, 8)}`,
  }),
  spcOutboxEvent: (tenantId: string, characteristicId: string, sequence: number) => ({
    pk: `${tenantId}#SPC#${characteristicId}`,
    sk: `EVT#${pad(sequence, 8)}`,
  }),

  // ---------- Plants and users (issue 17; docs/onboarding.md) ----------

  /** The platform's plant registry: one partition under the platform tenant, get = GetItem, list = Query by tenant id. */
  plant: (platformTenant: string, plantId: string) => ({ pk: `${platformTenant}#PLANT`, sk: plantId }),
  plantPartition: (platformTenant: string) => `${platformTenant}#PLANT`,
  /** A plant's registry audit trail (chain `PLANT#{id}`), by version. */
  plantAudit: (platformTenant: string, plantId: string, version: number) => ({
    pk: `${platformTenant}#PLANT#${plantId}`,
    sk: `AUDIT#${pad(version, 8)}`,
  }),
  /** A plant's user directory: one partition per tenant, get = GetItem, list = Query by user id. */
  user: (tenantId: string, userId: string) => ({ pk: `${tenantId}#USER`, sk: userId }),
  userPartition: (tenantId: string) => `${tenantId}#USER`,
  /** A user's audit trail (chain `USER#{id}`: invited, roles changed, disabled), by version. */
  userAudit: (tenantId: string, userId: string, version: number) => ({
    pk: `${tenantId}#USER#${userId}`,
    sk: `AUDIT#${pad(version, 8)}`,
  }),

  // ---------- Audit trail (issue 16; docs/part-11.md "Audit trail (11.10(e))") ----------

  /**
   * gsi1: every audit record of a tenant by time, a partition per UTC day (`GET /v1/audit`
   * without a record, `GET /v1/audit/verify`): the record stays in its record's partition,
   * chained there (shared/db/audit-chain.ts); the index only finds it by time.
   */
  auditByTime: (tenantId: string, at: string, chain: string, seq: number) => ({
    gsi1pk: `${tenantId}#AUDIT#${at.slice(0, 10)}`,
    gsi1sk: `${at}#${chain}#${pad(seq, 8)}`,
  }),
  auditByTimePartition: (tenantId: string, day: string) => `${tenantId}#AUDIT#${day}`,
  /**
   * The tenants that wrote audit records on a UTC day (TTL), for the checkpoint job: a partition
   * no tenant owns, holding tenant ids only, as `#LIVE-TENANTS#{day}` does.
   */
  auditTenant: (day: string, tenantId: string) => ({ pk: `#AUDIT-TENANTS#${day}`, sk: tenantId }),
  auditTenantsPartition: (day: string) => `#AUDIT-TENANTS#${day}`,
  /** The tenant's checkpoints (shared/db/checkpoint-repository.ts): a chain of their own. */
  checkpointPartition: (tenantId: string) => `${tenantId}#CHECKPOINT`,
  checkpointHead: (tenantId: string) => ({ pk: `${tenantId}#CHECKPOINT`, sk: 'HEAD' }),
  checkpoint: (tenantId: string, seq: number) => ({ pk: `${tenantId}#CHECKPOINT`, sk: `AUDIT#${pad(seq, 8)}` }),

  // ---------- Electronic signatures (issue 16; docs/part-11.md "Electronic signatures") ----------

  /**
   * A signature lives in its signed record's partition (`recordPk`, which starts with the
   * tenant), by time: the owner's Query of `SIG#` lists them oldest first.
   */
  signature: (recordPk: string, signedAt: string, id: string) => ({ pk: recordPk, sk: `SIG#${signedAt}#${id}` }),
  signaturePrefix: 'SIG#',
  /** A user's signing state (failed attempts, lock-out), its audit trail and its alerts: one partition per user. */
  signingPartition: (tenantId: string, userId: string) => `${tenantId}#SIGNING#${userId}`,
  signingState: (tenantId: string, userId: string) => ({ pk: `${tenantId}#SIGNING#${userId}`, sk: 'STATE' }),
  signingAudit: (tenantId: string, userId: string, version: number) => ({ pk: `${tenantId}#SIGNING#${userId}`, sk: `AUDIT#${pad(version, 8)}` }),
  signingOutboxEvent: (tenantId: string, userId: string, version: number, n: number) => ({
    pk: `${tenantId}#SIGNING#${userId}`,
    sk: `EVT#${pad(version, 8)}#${pad(n, 2)}`,
  }),

  // ---- issue 18: labor (docs/labor.md) ----

  /**
   * A person's labor is one item collection: the head (`HEAD`: open entries, version, audit
   * head), entries by start (`E#{startedAt}#{entryId}`: the end written once), audit trail
   * (chain `LABOR#{personnelId}`) and outbox events. A window of a person's time is one Query.
   */
  laborPartition: (tenantId: string, personnelId: string) => `${tenantId}#LABOR#${personnelId}`,
  laborHead: (tenantId: string, personnelId: string) => ({ pk: `${tenantId}#LABOR#${personnelId}`, sk: 'HEAD' }),
  laborEntry: (tenantId: string, personnelId: string, startedAt: string, entryId: string) => ({
    pk: `${tenantId}#LABOR#${personnelId}`,
    sk: `E#${startedAt}#${entryId}`,
  }),
  laborEntryPrefix: 'E#',
  laborAudit: (tenantId: string, personnelId: string, version: number) => ({
    pk: `${tenantId}#LABOR#${personnelId}`,
    sk: `AUDIT#${pad(version, 8)}`,
  }),
  laborOutboxEvent: (tenantId: string, personnelId: string, version: number, n: number) => ({
    pk: `${tenantId}#LABOR#${personnelId}`,
    sk: `EVT#${pad(version, 8)}#${pad(n, 2)}`,
  }),
  /** gsi2: an order's operation entries by operation, then start: the order's labor is one Query. */
  laborByOrder: (tenantId: string, workOrderId: string, seq: number, startedAt: string, entryId: string) => ({
    gsi2pk: `${tenantId}#WO#${workOrderId}#LABOR`,
    gsi2sk: `${pad(seq, 4)}#${startedAt}#${entryId}`,
  }),
  laborByOrderPartition: (tenantId: string, workOrderId: string) => `${tenantId}#WO#${workOrderId}#LABOR`,
  laborByOrderPrefix: (seq: number) => `${pad(seq, 4)}#`,
  /** gsi1, sparse: the head of every person with an open entry, so "who is on what" is one Query. */
  laborActive: (tenantId: string, personnelId: string) => ({ gsi1pk: `${tenantId}#LABOR-ACTIVE`, gsi1sk: personnelId }),
  laborActivePartition: (tenantId: string) => `${tenantId}#LABOR-ACTIVE`,
  // ---- issue 18: maintenance (docs/maintenance.md) ----

  /**
   * A maintenance request is one item collection: the request (`MR`), its audit trail
   * (`AUDIT#{version}`) and its outbox events (`EVT#{version}#{n}`), as a nonconformance's is.
   */
  maintenanceRequestPartition: (tenantId: string, id: string) => `${tenantId}#MR#${id}`,
  maintenanceRequest: (tenantId: string, id: string) => ({ pk: `${tenantId}#MR#${id}`, sk: 'MR' }),
  maintenanceRequestAudit: (tenantId: string, id: string, version: number) => ({ pk: `${tenantId}#MR#${id}`, sk: `AUDIT#${pad(version, 8)}` }),
  maintenanceRequestOutboxEvent: (tenantId: string, id: string, version: number, n: number) => ({
    pk: `${tenantId}#MR#${id}`,
    sk: `EVT#${pad(version, 8)}#${pad(n, 2)}`,
  }),
  /**
   * gsi1: the plant's requests by status, then priority (urgent first), then age (the queue);
   * gsi2: the same per unit. A status is a `begins_with` of the sort key: no Scan, no filter.
   */
  maintenanceRequestsByStatus: (tenantId: string, status: string, priorityRank: number, raisedAt: string, id: string) => ({
    gsi1pk: `${tenantId}#MRS`,
    gsi1sk: `${status}#${priorityRank}#${raisedAt}#${id}`,
  }),
  maintenanceRequestsPartition: (tenantId: string) => `${tenantId}#MRS`,
  maintenanceRequestsOfUnit: (tenantId: string, equipmentId: string, status: string, priorityRank: number, raisedAt: string, id: string) => ({
    gsi2pk: `${tenantId}#MRS#EQ#${equipmentId}`,
    gsi2sk: `${status}#${priorityRank}#${raisedAt}#${id}`,
  }),
  maintenanceRequestsOfUnitPartition: (tenantId: string, equipmentId: string) => `${tenantId}#MRS#EQ#${equipmentId}`,
  /** The request numbers of a year: one counter per tenant and year (MR-{YYYY}-{SEQ:5}). */
  maintenanceRequestCounter: (tenantId: string, year: string) => ({ pk: `${tenantId}#MSEQ`, sk: `MR#${year}` }),
  /**
   * The downtime's link to a request raised from it, in the unit's downtime partition beside the
   * stop's reason (`{stopStart}#MR#{id}`): the downtime list reads it with the reasons. Its
   * status follows the request's in each of the request's transactions.
   */
  maintenanceDowntimeLink: (tenantId: string, equipmentId: string, stopStart: string, requestId: string) => ({
    pk: `${tenantId}#EQ#${equipmentId}#DOWNTIME`,
    sk: `${stopStart}#MR#${requestId}`,
  }),
  /**
   * A planned request's planned maintenance on its unit, once started (OEE takes it out of planned
   * production time): by the end of its planned window, so a Query `sk >= from` finds every
   * window that reaches into a range.
   */
  maintenanceWindowPartition: (tenantId: string, equipmentId: string) => `${tenantId}#EQ#${equipmentId}#MAINT`,
  maintenanceWindow: (tenantId: string, equipmentId: string, plannedEnd: string, requestId: string) => ({
    pk: `${tenantId}#EQ#${equipmentId}#MAINT`,
    sk: `${plannedEnd}#${requestId}`,
  }),
  /** A preventive plan: the plan (`MPLAN`) and its audit trail; gsi1 lists a plant's plans by id. */
  maintenancePlanPartition: (tenantId: string, id: string) => `${tenantId}#MPLAN#${id}`,
  maintenancePlan: (tenantId: string, id: string) => ({ pk: `${tenantId}#MPLAN#${id}`, sk: 'MPLAN' }),
  maintenancePlanAudit: (tenantId: string, id: string, version: number) => ({ pk: `${tenantId}#MPLAN#${id}`, sk: `AUDIT#${pad(version, 8)}` }),
  maintenancePlansById: (tenantId: string, id: string) => ({ gsi1pk: `${tenantId}#MPLANS`, gsi1sk: id }),
  maintenancePlansPartition: (tenantId: string) => `${tenantId}#MPLANS`,
  /**
   * The tenants that keep preventive plans, for the plan job (no Scan): a partition no tenant
   * owns, holding tenant ids only, put in the system scope when a plan is first saved.
   */
  maintenanceTenant: (tenantId: string) => ({ pk: '#MAINT-TENANTS', sk: tenantId }),
  maintenanceTenantsPartition: '#MAINT-TENANTS',

  /** Idempotency-Key records: written in the same transaction as the command they guard. */
  idempotency: (tenantId: string, scope: string, key: string) => ({
    pk: `${tenantId}#IDEM#${scope}#${key}`,
    sk: 'IDEM',
  }),

  // ---- issue 18: qualifications ----

  /** A person's qualification set (docs/qualifications.md): ONE item per person in one partition per tenant; list = Query (the expiring view). */
  personQualifications: (tenantId: string, personnelId: string) => ({ pk: `${tenantId}#PQUAL`, sk: personnelId }),
  personQualificationsPartition: (tenantId: string) => `${tenantId}#PQUAL`,
  /** Its audit trail (chain `PQUAL#{personnelId}`), by version. */
  personQualificationsAudit: (tenantId: string, personnelId: string, version: number) => ({
    pk: `${tenantId}#PQUAL#${personnelId}`,
    sk: `AUDIT#${pad(version, 8)}`,
  }),
  /**
   * The set as the gate reads it for a USER (one GetItem from the verified user id): a copy of
   * the person's set under each user id that resolves to that person, written with the set.
   */
  userQualifications: (tenantId: string, userId: string) => ({ pk: `${tenantId}#UQUAL`, sk: userId }),
} as const;

/** Attribute names that belong to the key design, never to the domain object. */
export const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'expiresAt', 'entity'] as const;

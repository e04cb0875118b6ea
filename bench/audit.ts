/**
 * Issue 16's audit chain figures, section 10 of bench/RESULTS.md. A runtime of its own (DynamoDB
 * Local in memory).
 *   a. The chain's cost per command: the TransactWriteItems of a master data change (the record on
 *      its version + its audit record) with the chain (chain fields, time-index keys, `auditHead`)
 *      and without, alternating in the same run: write units and p50 latency. Write units are
 *      computed from the items' sizes by DynamoDB's documented rule (a transactional write: 2 units
 *      per KB of each item; a global secondary index entry: 1 unit per KB projected), because
 *      DynamoDB Local does not report a transaction's capacity item by item (it says 2 for a
 *      transaction of one, two or three small items alike); what it says is shown beside.
 *   b. Verifying 100,000 audit records: 1,000 chains of 100 written straight to the table
 *      (BatchWriteItem), then every chain read back (a Query each, 8 at once) and verified
 *      (verify.ts): read and verify times apart.
 */
import { performance } from 'node:perf_hooks';
import { BatchWriteCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Log } from '../infra/local/http-server.ts';
import { startRuntime } from '../infra/local/runtime.ts';
import { auditRecordOf, chainedAudit, chainedAudits } from '../shared/db/audit-chain.ts';
import { ddb, tableName } from '../shared/db/client.ts';
import { keys } from '../shared/db/keys.ts';
import { verifyAudit } from '../shared/domain/audit/verify.ts';
import { itemBytes } from './telemetry-workload.ts';

export const AUDIT_SHAPE = { commands: 200, chains: 1_000, perChain: 100 } as const;
const TENANT = 'bench-audit';

export interface AuditResults {
  commands: number;
  plain: Variant;
  chained: Variant;
  records: number;
  writeSeconds: number;
  readSeconds: number;
  verifySeconds: number;
  ok: boolean;
}

/** One variant's figures: write units by AWS's rule (table and index apart), DynamoDB Local's figure, the audit item's size, p50. */
interface Variant {
  wru: number;
  tableWru: number;
  indexWru: number;
  localWru: number;
  auditBytes: number;
  p50Ms: number;
}

type Sent = { ms: number; localWru: number; tableWru: number; indexWru: number; auditBytes: number };

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export async function measureAudit(options: { step: (m: string) => void; log: Log }): Promise<AuditResults> {
  const runtime = await startRuntime({ port: 0, inMemory: true, seed: false, log: options.log, schedules: false, web: false });
  try {
    const table = tableName();
    const record = (id: string, version: number) => ({
      id,
      name: `Material ${id} v${version}`,
      uom: 'EA',
      materialType: 'raw',
      version,
      updatedAt: new Date().toISOString(),
      updatedBy: 'bench',
    });
    const audit = (id: string, version: number) => ({
      version,
      at: new Date().toISOString(),
      by: 'bench',
      action: 'material.replace',
      target: `material/${id}`,
      changes: [{ field: 'name', from: `Material ${id} v${version - 1}`, to: `Material ${id} v${version}` }],
    });
    const send = async (items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>): Promise<Sent> => {
      const t = performance.now();
      const out = await ddb().send(new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: 'TOTAL' }));
      const ms = performance.now() - t;
      const puts = items.map((i) => (i.Put?.Item ?? {}) as Record<string, unknown>);
      const kb = (item: Record<string, unknown>) => Math.max(1, Math.ceil(itemBytes(item) / 1024));
      return {
        ms,
        localWru: (out.ConsumedCapacity ?? []).reduce((s, c) => s + (c.CapacityUnits ?? 0), 0),
        tableWru: puts.reduce((s, item) => s + 2 * kb(item), 0),
        // gsi1 projects ALL: an item carrying gsi1 keys writes an index entry of its whole size.
        indexWru: puts.reduce((s, item) => s + (item.gsi1pk ? kb(item) : 0), 0),
        auditBytes: itemBytes(puts[1] ?? {}),
      };
    };
    options.step(`10a. ${AUDIT_SHAPE.commands} master data changes with the chain and ${AUDIT_SHAPE.commands} without, alternating`);
    const plain: Sent[] = [];
    const chained: Sent[] = [];
    let head: { seq: number; hash: string } | undefined;
    for (let v = 1; v <= AUDIT_SHAPE.commands; v++) {
      const md = keys.masterData(TENANT, 'material', 'PLAIN');
      plain.push(
        await send([
          { Put: { TableName: table, Item: { ...md, entity: 'material', ...record('PLAIN', v) } } },
          {
            Put: {
              TableName: table,
              Item: { ...keys.masterDataAudit(TENANT, 'material', 'PLAIN', v), entity: 'Audit', ...audit('PLAIN', v) },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ]),
      );
      const c = chainedAudit(TENANT, keys.masterDataAudit(TENANT, 'material', 'CHAINED', v), audit('CHAINED', v), head);
      head = c.head;
      chained.push(
        await send([
          {
            Put: {
              TableName: table,
              Item: { ...keys.masterData(TENANT, 'material', 'CHAINED'), entity: 'material', ...record('CHAINED', v), auditHead: c.head },
            },
          },
          { Put: { TableName: table, Item: c.item, ConditionExpression: 'attribute_not_exists(pk)' } },
        ]),
      );
    }
    const mean = (xs: Sent[], f: (x: Sent) => number) => xs.reduce((s, x) => s + f(x), 0) / xs.length;
    const variant = (xs: Sent[]): Variant => ({
      wru: mean(xs, (x) => x.tableWru + x.indexWru),
      tableWru: mean(xs, (x) => x.tableWru),
      indexWru: mean(xs, (x) => x.indexWru),
      localWru: mean(xs, (x) => x.localWru),
      auditBytes: mean(xs, (x) => x.auditBytes),
      p50Ms: p50(xs.map((x) => x.ms)),
    });

    options.step(`10b. ${AUDIT_SHAPE.chains * AUDIT_SHAPE.perChain} audit records in ${AUDIT_SHAPE.chains} chains, straight to the table`);
    const writeStart = performance.now();
    const pending: Record<string, unknown>[] = [];
    for (let c = 0; c < AUDIT_SHAPE.chains; c++) {
      const id = `WO-B${String(c).padStart(5, '0')}`;
      const at = (k: number) => new Date(Date.UTC(2026, 4, 4, 8) + c * 1000 + k).toISOString();
      const { items } = chainedAudits(
        TENANT,
        Array.from({ length: AUDIT_SHAPE.perChain }, (_, k) => keys.audit(TENANT, id, k + 1)),
        Array.from({ length: AUDIT_SHAPE.perChain }, (_, k) => ({ ...audit(id, k + 1), at: at(k), target: `work-order/${id}` })),
        undefined,
      );
      pending.push(...(items as unknown as Record<string, unknown>[]));
    }
    const batches: Record<string, unknown>[][] = [];
    for (let i = 0; i < pending.length; i += 25) batches.push(pending.slice(i, i + 25));
    const writeBatch = async (batch: Record<string, unknown>[]) => {
      let left: { PutRequest: { Item: Record<string, unknown> } }[] | undefined = batch.map((Item) => ({ PutRequest: { Item } }));
      while (left?.length) {
        const out = await ddb().send(new BatchWriteCommand({ RequestItems: { [table]: left } }));
        left = out.UnprocessedItems?.[table] as typeof left;
      }
    };
    for (let i = 0; i < batches.length; i += 8) await Promise.all(batches.slice(i, i + 8).map(writeBatch));
    const writeSeconds = (performance.now() - writeStart) / 1000;

    options.step('10b. every chain read back and verified');
    const readStart = performance.now();
    const records: ReturnType<typeof auditRecordOf>[] = [];
    const chainIds = Array.from({ length: AUDIT_SHAPE.chains }, (_, c) => `WO-B${String(c).padStart(5, '0')}`);
    const readChain = async (id: string) => {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await ddb().send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
            ExpressionAttributeValues: { ':pk': keys.workOrderPartition(TENANT, id), ':p': 'AUDIT#' },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) records.push(auditRecordOf(item));
        start = page.LastEvaluatedKey;
      } while (start);
    };
    for (let i = 0; i < chainIds.length; i += 8) await Promise.all(chainIds.slice(i, i + 8).map(readChain));
    const readSeconds = (performance.now() - readStart) / 1000;
    const verifyStart = performance.now();
    const result = verifyAudit(records);
    const verifySeconds = (performance.now() - verifyStart) / 1000;
    return {
      commands: AUDIT_SHAPE.commands,
      plain: variant(plain),
      chained: variant(chained),
      records: records.length,
      writeSeconds,
      readSeconds,
      verifySeconds,
      ok: result.ok,
    };
  } finally {
    await runtime.stop();
  }
}

const num = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function renderAudit(r: AuditResults | undefined, error: string | undefined, { out }: { out: (...lines: string[]) => void }): void {
  out('## 10. Audit chain: its cost per command and verifying 100,000 records (issue 16)', '');
  if (!r) {
    out(`Not measured: ${error ?? 'the section did not run'}.`, '');
    return;
  }
  out(
    `Measured by bench/audit.ts on a runtime of its own (DynamoDB Local in memory). a. ${r.commands} master data changes' TransactWriteItems (the record on its version and its audit record) with the chain and as many without, alternating in the same run. ` +
      `b. ${num(r.records)} audit records in ${AUDIT_SHAPE.chains} chains of ${AUDIT_SHAPE.perChain}, written straight to the table in ${num(r.writeSeconds, 1)} s, then every chain read back (a Query each, 8 at once) and verified.`,
    '',
    '| Figure | Without the chain | With the chain |',
    '| --- | --- | --- |',
    `| Write units per command, by AWS's rule | ${num(r.plain.wru, 1)} | ${num(r.chained.wru, 1)} |`,
    `| of which the table (2 per KB per item in a transaction) | ${num(r.plain.tableWru, 1)} | ${num(r.chained.tableWru, 1)} |`,
    `| of which the time index gsi1 (1 per KB projected) | ${num(r.plain.indexWru, 1)} | ${num(r.chained.indexWru, 1)} |`,
    `| Audit item size | ${num(r.plain.auditBytes)} bytes | ${num(r.chained.auditBytes)} bytes |`,
    `| What DynamoDB Local reports (not item by item for transactions) | ${num(r.plain.localWru, 1)} | ${num(r.chained.localWru, 1)} |`,
    `| p50 latency per command | ${num(r.plain.p50Ms, 1)} ms | ${num(r.chained.p50Ms, 1)} ms |`,
    '',
    `What the chain costs: ${num(r.chained.wru - r.plain.wru, 1)} write unit(s) per audited command (${num((100 * (r.chained.wru - r.plain.wru)) / r.plain.wru)} % of this command): the audit record's entry in the time index (\`GET /v1/audit?from=&to=\` and \`verify\` over a period read it). The chain fields (~200 bytes) keep the audit item within one KB. DynamoDB Local reports a transaction's capacity as 2 units whatever the number of plain items it writes, plus the index entries, hence its figures.`,
    '',
    `Verifying ${num(r.records)} records: reading them ${num(r.readSeconds, 1)} s, verifying them (verify.ts, in-process) ${num(r.verifySeconds, 1)} s; ${r.ok ? 'intact' : 'BROKEN (a bug in the bench)'}.`,
    '',
  );
}

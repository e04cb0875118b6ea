/**
 * `npm run audit:verify -- <file>`: the command-line verifier a plant's QA runs over an export of
 * the audit trail (issue 16, docs/part-11.md "Audit trail (11.10(e))"). The file is what
 * `GET /v1/audit?from=&to=` (or `?entity=&id=`) returned, all pages, as any of:
 *   - a JSON array of records, or JSON lines with one record per line;
 *   - the pages themselves (`{"items": [...], "nextCursor": ...}`), one per line or as a JSON array.
 * It runs the same pure verify.ts as `GET /v1/audit/verify`: exit 0 when every chain in the file
 * is intact, 1 naming the first broken link, 2 when the file cannot be read. The checkpoint
 * records in the export (chain `CHECKPOINT`) say which heads were published: a chain that ends
 * before the head a checkpoint published, or differs from it, is broken. A time window's
 * export starts its chains mid-way, so each chain's link into the window is not checked here
 * (`GET /v1/audit/verify` checks it); a record's trail exported from its first record is checked whole.
 */
import { readFileSync } from 'node:fs';
import { type AuditHead, CHECKPOINT_CHAIN, type ChainedRecord } from '../shared/domain/audit/chain.ts';
import { verifyAudit } from '../shared/domain/audit/verify.ts';

type Input = ChainedRecord & { position?: number };

export function readExport(text: string): Input[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const values: unknown[] = trimmed.startsWith('[')
    ? (JSON.parse(trimmed) as unknown[])
    : trimmed
        .split(/\r?\n/)
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as unknown);
  return values.flatMap((v) => {
    if (v && typeof v === 'object' && Array.isArray((v as { items?: unknown }).items)) return (v as { items: Input[] }).items;
    return [v as Input];
  });
}

/** The latest head of each chain that the export's checkpoint records (chain CHECKPOINT) published. */
function checkpointsIn(records: readonly Input[]): Map<string, AuditHead> {
  const heads = new Map<string, AuditHead>();
  const checkpoints = records.filter((r) => r.chain === CHECKPOINT_CHAIN).sort((a, b) => Number(a.seq) - Number(b.seq));
  for (const c of checkpoints)
    for (const h of (c.heads as (AuditHead & { chain: string })[] | undefined) ?? []) heads.set(h.chain, { seq: h.seq, hash: h.hash });
  return heads;
}

export function run(argv: readonly string[], out: (line: string) => void): number {
  const file = argv[0];
  if (!file) {
    out('usage: npm run audit:verify -- <export.json | export.jsonl>');
    return 2;
  }
  let records: Input[];
  try {
    records = readExport(readFileSync(file, 'utf8'));
  } catch (error) {
    out(`cannot read ${file}: ${(error as Error).message}`);
    return 2;
  }
  const result = verifyAudit(records, { partial: true, checkpoints: checkpointsIn(records) });
  if (result.ok) {
    out(`intact: ${result.records} audit records in ${result.chains} chains`);
    return 0;
  }
  const b = result.broken;
  out(`BROKEN: ${b.entity} ${b.id} (chain ${b.chain}), record ${b.seq}${b.at ? ` (${b.at})` : ''}: ${b.problem}`);
  return 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(run(process.argv.slice(2), (line) => console.log(line)));

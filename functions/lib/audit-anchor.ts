/**
 * The anchor store of audit checkpoints (shared/domain/audit/checkpoints.ts AnchorStore).
 * Locally: a directory under the runtime's data dir (MES_AUDIT_ANCHOR_DIR), one file per
 * checkpoint, created exclusively (never overwritten) and made read-only. On AWS the same port
 * is an S3 bucket with Object Lock in compliance mode (docs/part-11.md "Checkpoints"): the
 * adapter is not written yet, so on AWS checkpoints are kept in the table only.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnchorStore } from '#shared/domain/audit/checkpoints.ts';

const pad = (n: number) => String(n).padStart(8, '0');
const safe = (tenantId: string) => encodeURIComponent(tenantId);

export class FileAnchorStore implements AnchorStore {
  constructor(private readonly dir: string) {}

  async put(tenantId: string, seq: number, body: string) {
    const folder = join(this.dir, safe(tenantId));
    await mkdir(folder, { recursive: true });
    const file = join(folder, `${pad(seq)}.json`);
    // 'wx': fails when the file exists; a checkpoint's copy is written once.
    await writeFile(file, body, { flag: 'wx', mode: 0o444 });
    await chmod(file, 0o444);
  }

  async get(tenantId: string, seq: number) {
    try {
      return await readFile(join(this.dir, safe(tenantId), `${pad(seq)}.json`), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}

/**
 * The anchor store this process publishes to and verifies against: the local runtime's directory
 * (MES_AUDIT_ANCHOR_DIR); none elsewhere (AWS, until the S3 adapter exists), and then checkpoints
 * live in the table only and nothing is compared with a published copy.
 */
export const anchorStore = (): AnchorStore | undefined => {
  const dir = process.env.MES_AUDIT_ANCHOR_DIR;
  return dir ? new FileAnchorStore(dir) : undefined;
};

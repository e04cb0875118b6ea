/**
 * The anchor store of audit checkpoints (shared/domain/audit/checkpoints.ts AnchorStore).
 * Locally: a directory under the runtime's data dir (MES_AUDIT_ANCHOR_DIR), one file per
 * checkpoint, created exclusively (never overwritten) and made read-only. On AWS the same port
 * is an S3 bucket with Object Lock in compliance mode (MES_AUDIT_ANCHOR_BUCKET; infra data stack):
 * every object is kept for the bucket's retention and nobody, the account's root included, can
 * delete or overwrite it before; the job's role may only put and get.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ENV } from '#shared/config.ts';
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

/** The object's key: one per tenant and checkpoint. */
export const anchorKey = (tenantId: string, seq: number) => `${safe(tenantId)}/${pad(seq)}.json`;

/**
 * S3 with Object Lock (compliance mode, the bucket's default retention): a put is conditional
 * (`If-None-Match: *`), so a checkpoint's copy is written once, and the lock keeps it for the
 * retention period whatever any role of the account does; reads take the key's first version.
 * The client is imported on first use.
 */
export class S3AnchorStore implements AnchorStore {
  constructor(private readonly bucket: string) {}

  private async s3() {
    const { S3Client, PutObjectCommand, GetObjectCommand, ListObjectVersionsCommand } = await import('@aws-sdk/client-s3');
    return { client: (this.client ??= new S3Client({})), PutObjectCommand, GetObjectCommand, ListObjectVersionsCommand };
  }
  private client: import('@aws-sdk/client-s3').S3Client | undefined;

  async put(tenantId: string, seq: number, body: string) {
    const { client, PutObjectCommand } = await this.s3();
    await client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: anchorKey(tenantId, seq),
        Body: body,
        ContentType: 'application/json',
        IfNoneMatch: '*',
        // Object Lock asks for an integrity check of every put.
        ChecksumAlgorithm: 'SHA256',
      }),
    );
  }

  /**
   * The FIRST version of the checkpoint's object: Object Lock keeps each version, not the key, so
   * a role that may put could add a newer version of a key without the condition; the oldest
   * one is what the checkpoint job published. No version: never published (undefined).
   */
  async get(tenantId: string, seq: number) {
    const { client, GetObjectCommand, ListObjectVersionsCommand } = await this.s3();
    const Key = anchorKey(tenantId, seq);
    const listed = await client.send(new ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: Key, MaxKeys: 100 }));
    const versions = (listed.Versions ?? []).filter((v) => v.Key === Key && v.VersionId);
    const oldest = versions.sort((a, b) => (a.LastModified?.getTime() ?? 0) - (b.LastModified?.getTime() ?? 0))[0];
    if (!oldest) return undefined;
    const out = await client.send(new GetObjectCommand({ Bucket: this.bucket, Key, VersionId: oldest.VersionId }));
    return (await out.Body?.transformToString('utf8')) ?? undefined;
  }
}

/**
 * The anchor store this process publishes to and verifies against: the local runtime's directory
 * (MES_AUDIT_ANCHOR_DIR) or, on AWS, the Object Lock bucket (MES_AUDIT_ANCHOR_BUCKET); none when
 * neither is set (a test's process), and then checkpoints live in the table only.
 */
export const anchorStore = (): AnchorStore | undefined => {
  const dir = process.env.MES_AUDIT_ANCHOR_DIR;
  if (dir) return new FileAnchorStore(dir);
  const bucket = process.env[ENV.auditAnchorBucket];
  return bucket ? new S3AnchorStore(bucket) : undefined;
};

/**
 * DynamoDB Local keeps its tables in one SQLite file and sets no journal mode, so SQLite's
 * default applies: a rollback journal, whose deletion is the commit. The SQLite in the jar
 * (3.8.7) does not fsync that deletion, so after a power cut the journal can come back and undo
 * the last commit (SQLite's own docs: only synchronous=EXTRA, which 3.8.7 lacks, syncs it). In
 * WAL mode, with the default synchronous=FULL, a commit is done once the WAL is fsync'ed, and
 * a reader in another process never makes it fail.
 *
 * WAL is the one journal mode a database file remembers: bytes 18 and 19 of its header
 * (https://www.sqlite.org/fileformat.html#file_format_version_numbers). With no SQLite client
 * in the runtime to send `PRAGMA journal_mode=WAL`, the header is written here, before
 * DynamoDB Local opens the file and while nothing else has it open (dynamodb-owner.ts).
 */
import { closeSync, existsSync, fsyncSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { writeDurably } from './durable-file.ts';

export type JournalMode = { mode: 'wal' } | { mode: 'rollback'; why: string };

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const WAL = 2;
const LEGACY = 1;
/** The page size any SQLite since 3.12 picks, and the OS's page. */
const PAGE_SIZE = 4096;

/** Puts `file` in WAL mode, creating it as an empty database when it does not exist. */
export function useWriteAheadLog(file: string): JournalMode {
  if (!existsSync(file) || statSync(file).size === 0) {
    // Never under a log left beside it: its pages belong to the database that was there.
    if (existsSync(`${file}-wal`)) return { mode: 'rollback', why: `${file} is empty but has a write-ahead log beside it` };
    writeDurably(file, emptyWalDatabase());
    return { mode: 'wal' };
  }
  const header = Buffer.alloc(100);
  const fd = openSync(file, 'r+');
  try {
    readSync(fd, header, 0, header.length, 0);
    if (!header.subarray(0, 16).equals(MAGIC)) return { mode: 'rollback', why: `${file} is not an SQLite database` };
    if (header[18] === WAL && header[19] === WAL) return { mode: 'wal' };
    if (header[18] !== LEGACY || header[19] !== LEGACY) return { mode: 'rollback', why: `${file} has an unknown file format version` };
    // A hot journal holds a commit that did not finish: DynamoDB Local rolls it back when it
    // opens the file, in the journal mode the file says. The next start switches.
    if (existsSync(`${file}-journal`) && statSync(`${file}-journal`).size > 0) {
      return { mode: 'rollback', why: 'a commit interrupted by a crash is rolled back first; the next start switches to WAL' };
    }
    writeSync(fd, Buffer.from([WAL, WAL]), 0, 2, 18);
    fsyncSync(fd);
    return { mode: 'wal' };
  } finally {
    closeSync(fd);
  }
}

/**
 * Page 1 of a database with no tables yet, in WAL mode (the layout of fileformat.html, section
 * 1.3): byte for byte what `sqlite3 new.db 'PRAGMA journal_mode=WAL'` writes, but the version.
 */
function emptyWalDatabase(): Buffer {
  const page = Buffer.alloc(PAGE_SIZE);
  MAGIC.copy(page, 0);
  page.writeUInt16BE(PAGE_SIZE, 16);
  page[18] = WAL; // file format write version
  page[19] = WAL; // file format read version
  page[20] = 0; // reserved bytes per page
  page[21] = 64; // payload fractions, fixed by the format
  page[22] = 32;
  page[23] = 32;
  page.writeUInt32BE(1, 24); // file change counter
  page.writeUInt32BE(1, 28); // size in pages
  // Schema format and text encoding stay 0, as SQLite leaves them until the first table.
  page.writeUInt32BE(1, 92); // version-valid-for = change counter, so the size above counts
  page.writeUInt32BE(3_008_007, 96); // SQLITE_VERSION_NUMBER of the jar's SQLite
  // The schema table's b-tree page: a table leaf with no cells, its content area at the end.
  page[100] = 0x0d;
  page.writeUInt16BE(PAGE_SIZE, 105);
  return page;
}

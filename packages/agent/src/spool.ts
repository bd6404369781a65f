import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { DirectorySync } from './directory-sync.ts';

const gunzipAsync = promisify(gunzip);

export type PayloadFormat = 'protobuf' | 'json';

/** One batch waiting for central: an OTLP request body, gzip-compressed. */
export interface SpooledBatch {
  /** Sorts in arrival order; ends with the content's hash. */
  name: string;
  /** The delivery's idempotency key: the same bytes sent twice (an exporter's retry) are one delivery. */
  key: string;
  format: PayloadFormat;
  bytes: number;
  /** Held in memory when the spool has no directory. */
  body?: Buffer;
}

/** The spool could not write a batch (a full disk, a quota, an I/O error): nothing of it is kept. */
export class SpoolWriteError extends Error {
  constructor(
    readonly code: string,
    cause: unknown,
  ) {
    super(`the spool could not write a batch (${code}: ${(cause as Error).message})`, { cause });
    this.name = 'SpoolWriteError';
  }
}

const SUFFIX: Record<PayloadFormat, string> = { protobuf: '.pb.gz', json: '.json.gz' };
/** A batch being written: renamed to its spool name only once whole and fsync'd. */
const WRITING = '.tmp';
/** Where files that fail their check are moved (never sent, kept for the operator). */
export const QUARANTINE_DIR = 'quarantine';

/**
 * Batches waiting for central, oldest first: one file per batch, written under a temporary name,
 * fsync'd, renamed and its directory fsync'd before it counts as accepted; deleted once central
 * took it. Survives the agent being killed, the machine losing power and a full disk: a write
 * that fails leaves nothing behind, a restarted agent deletes half-written files, and a file
 * whose content no longer matches the hash in its name is quarantined, never sent.
 * Bounded: over `maxBytes` the oldest batches go, counted.
 */
export class Spool {
  private readonly entries: SpooledBatch[] = [];
  private sequence = 0;
  private readonly directorySync: DirectorySync | null;
  private bytes = 0;
  droppedBatches = 0;
  quarantinedBatches = 0;

  constructor(
    private readonly dir: string | null,
    private readonly maxBytes: number,
    private readonly log: (message: string) => void = () => {},
  ) {
    this.directorySync = dir ? new DirectorySync(dir) : null;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    for (const file of readdirSync(dir).sort()) {
      if (file.endsWith(WRITING)) {
        // Killed mid-write: never acknowledged, so the sender still has it.
        unlinkSync(join(dir, file));
        log(`agent: deleted ${file}, a batch the agent was writing when it stopped (never acknowledged)`);
        continue;
      }
      const format = (Object.keys(SUFFIX) as PayloadFormat[]).find((f) => file.endsWith(SUFFIX[f]));
      if (!format) continue;
      const bytes = statSync(join(dir, file)).size;
      const name = file.slice(0, -SUFFIX[format].length);
      this.entries.push({ name, key: deliveryKeyOf(name), format, bytes });
      this.bytes += bytes;
    }
  }

  get length(): number {
    return this.entries.length;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  /** Stores a batch durably; returns how many old batches were dropped to make room. Throws SpoolWriteError. */
  async append(body: Buffer, format: PayloadFormat, inFlight: ReadonlySet<string>): Promise<number> {
    // Names sort in arrival order across restarts: time first, then a counter, then the content's hash.
    const key = contentKeyOf(body);
    const name = `${Date.now().toString().padStart(15, '0')}-${(this.sequence++).toString().padStart(9, '0')}-${key}`;
    if (this.dir) {
      await this.writeWhole(join(this.dir, name + SUFFIX[format]), body);
      this.insert({ name, key, format, bytes: body.length });
    } else {
      this.insert({ name, key, format, bytes: body.length, body });
    }
    this.bytes += body.length;
    let dropped = 0;
    for (let i = 0; this.bytes > this.maxBytes && i < this.entries.length - 1; ) {
      const oldest = this.entries[i]!;
      if (inFlight.has(oldest.name)) {
        i += 1;
        continue;
      }
      await this.remove(oldest.name);
      dropped += 1;
    }
    this.droppedBatches += dropped;
    return dropped;
  }

  /** Written aside, fsync'd, renamed, the directory fsync'd: the file is whole or absent, whatever fails. */
  private async writeWhole(path: string, body: Buffer): Promise<void> {
    const writing = path + WRITING;
    try {
      const file = await open(writing, 'w');
      try {
        await file.writeFile(body);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(writing, path);
      await this.directorySync!.sync();
    } catch (error) {
      await unlink(writing).catch(() => {});
      // Renamed but the directory not synced: not durable, so not acknowledged; the sender's retry is the same delivery.
      await unlink(path).catch(() => {});
      throw new SpoolWriteError((error as NodeJS.ErrnoException).code ?? 'EIO', error);
    }
  }

  /** Writes finish out of order: keep the list sorted by name. */
  private insert(entry: SpooledBatch): void {
    let i = this.entries.length;
    while (i > 0 && this.entries[i - 1]!.name > entry.name) i -= 1;
    this.entries.splice(i, 0, entry);
  }

  /** The oldest batch not already being sent. */
  next(inFlight: ReadonlySet<string>): SpooledBatch | null {
    return this.entries.find((entry) => !inFlight.has(entry.name)) ?? null;
  }

  /**
   * The batch's body, checked against the hash in its name (older names: that it is whole gzip).
   * A file that cannot be read or fails the check leaves the spool for the quarantine folder: null.
   */
  async read(entry: SpooledBatch): Promise<Buffer | null> {
    if (entry.body) return entry.body;
    const file = join(this.dir!, entry.name + SUFFIX[entry.format]);
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch (error) {
      await this.quarantine(entry, `could not be read (${(error as Error).message})`);
      return null;
    }
    const problem = entry.key === entry.name ? await gzipProblemOf(body) : contentKeyOf(body) === entry.key ? null : `its ${body.length} bytes do not match the hash in its name (torn or corrupted)`;
    if (problem === null) return body;
    await this.quarantine(entry, problem);
    return null;
  }

  private async quarantine(entry: SpooledBatch, reason: string): Promise<void> {
    const file = entry.name + SUFFIX[entry.format];
    const index = this.entries.indexOf(entry);
    if (index >= 0) this.entries.splice(index, 1);
    this.bytes -= entry.bytes;
    this.quarantinedBatches += 1;
    const aside = join(this.dir!, QUARANTINE_DIR);
    try {
      await mkdir(aside, { recursive: true });
      await rename(join(this.dir!, file), join(aside, file));
      this.log(`agent: spooled batch ${file} ${reason}: moved to ${aside}, not sent`);
    } catch (error) {
      this.log(`agent: spooled batch ${file} ${reason}, and could not be moved aside (${(error as Error).message}): left in place, not sent`);
    }
  }

  async remove(name: string): Promise<void> {
    const index = this.entries.findIndex((entry) => entry.name === name);
    if (index < 0) return;
    const [entry] = this.entries.splice(index, 1);
    this.bytes -= entry!.bytes;
    if (this.dir) await unlink(join(this.dir, name + SUFFIX[entry!.format])).catch(() => {});
  }
}

/** The first 128 bits of the body's SHA-256: its spool name's end, its delivery key, and its check. */
function contentKeyOf(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 32);
}

async function gzipProblemOf(body: Buffer): Promise<string | null> {
  try {
    await gunzipAsync(body);
    return null;
  } catch (error) {
    return `is not whole gzip (${(error as Error).message})`;
  }
}

/**
 * The content hash of a spooled batch's name. An exporter whose request the agent spooled but
 * could not answer (killed in between) sends the same bytes again: same key, so central stores
 * them once. Names from before content keys (a random instance id at the end) keep the whole name.
 */
function deliveryKeyOf(name: string): string {
  return /-([0-9a-f]{32})$/.exec(name)?.[1] ?? name;
}

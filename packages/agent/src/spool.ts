import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DirectorySync } from './directory-sync.ts';

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

const SUFFIX: Record<PayloadFormat, string> = { protobuf: '.pb.gz', json: '.json.gz' };

/**
 * Batches waiting for central, oldest first: one file per batch, written and fsync'd (its
 * directory entry too) before it counts as accepted, deleted once central took it. Survives the
 * agent being killed and the machine losing power; a restarted agent sends what it finds.
 * Bounded: over `maxBytes` the oldest batches go, counted.
 */
export class Spool {
  private readonly entries: SpooledBatch[] = [];
  private sequence = 0;
  private readonly directorySync: DirectorySync | null;
  private bytes = 0;
  droppedBatches = 0;

  constructor(
    private readonly dir: string | null,
    private readonly maxBytes: number,
  ) {
    this.directorySync = dir ? new DirectorySync(dir) : null;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    for (const file of readdirSync(dir).sort()) {
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

  /** Stores a batch durably; returns how many old batches were dropped to make room. */
  async append(body: Buffer, format: PayloadFormat, inFlight: ReadonlySet<string>): Promise<number> {
    // Names sort in arrival order across restarts: time first, then a counter, then the content's hash.
    const key = createHash('sha256').update(body).digest('hex').slice(0, 32);
    const name = `${Date.now().toString().padStart(15, '0')}-${(this.sequence++).toString().padStart(9, '0')}-${key}`;
    if (this.dir) {
      const file = await open(join(this.dir, name + SUFFIX[format]), 'w');
      try {
        await file.writeFile(body);
        await file.sync();
      } finally {
        await file.close();
      }
      await this.directorySync!.sync();
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

  async read(entry: SpooledBatch): Promise<Buffer> {
    return entry.body ?? readFile(join(this.dir!, entry.name + SUFFIX[entry.format]));
  }

  async remove(name: string): Promise<void> {
    const index = this.entries.findIndex((entry) => entry.name === name);
    if (index < 0) return;
    const [entry] = this.entries.splice(index, 1);
    this.bytes -= entry!.bytes;
    if (this.dir) await unlink(join(this.dir, name + SUFFIX[entry!.format])).catch(() => {});
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

import { closeSync, fdatasyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { writeFileAtomically } from '../state/audited-state-file.ts';

/** What central needs to decode a logged request again: whose it is and how it was encoded. */
export interface LoggedRequestMeta {
  accountId: string;
  accountLabel: string;
  /** The request's content type ('protobuf' or 'json'). */
  format: 'protobuf' | 'json';
  /** The request's Content-Encoding (the body is logged as it arrived). */
  encoding: string | null;
  /** The sender's idempotency key, or one central made: every logged request has one, so a replay stores it once. */
  deliveryId: string;
}

export interface LoggedRequest {
  position: number;
  meta: LoggedRequestMeta;
  body: Buffer;
}

export interface IngestLogOptions {
  /** A segment is closed past this size (default 64 MiB) or age (default 30 s): whole segments are deleted once stored. */
  segmentBytes?: number;
  segmentMs?: number;
  log?: (message: string) => void;
  now?: () => number;
}

/** Header of each record: magic, payload length, CRC-32 of the payload. */
const MAGIC = 0x53544c31;
const HEADER_BYTES = 12;
const SEGMENT_SUFFIX = '.log';
/** Holds a position every record below which was released: a hint that saves replaying them (never past the truth). */
const RELEASED_FILE = 'released-below';
const RELEASED_WRITE_MS = 1_000;
const DEAD_LETTER_DIR = 'dead-letter';
const segmentName = (firstPosition: number) => `${String(firstPosition).padStart(16, '0')}${SEGMENT_SUFFIX}`;

interface Segment {
  path: string;
  firstPosition: number;
  /** The position after its last record. */
  endPosition: number;
}

interface PendingAppend {
  frame: Buffer;
  position: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The ingest log: every accepted request's body, durable before central answers 200, so the store
 * can be written in large transactions a little later without an acknowledged span ever being
 * lost. Appends that arrive while one flush is being synced go out together in the next (one
 * write, one fdatasync). Records are numbered (positions); once a request's spans are stored its
 * position is released, and a segment whose records are all released is deleted. At start, the
 * records of segments still present are handed back (`replay`): each carries a delivery id, so
 * those stored before the stop are recognised and not stored twice.
 *
 * A record is a 12-byte header (magic, length, CRC-32) and a payload: the meta as JSON, then the
 * body. A torn record at the end of a segment (a crash mid-write) is cut off at open, and kept in
 * `dead-letter/` with whatever followed it (a damaged record would otherwise hide the rest).
 */
export class IngestLog {
  private readonly segments: Segment[] = [];
  private handle: FileHandle | null = null;
  private current: Segment | null = null;
  private currentBytes = 0;
  private currentOpenedMs = 0;
  private nextPosition = 0;
  private pending: PendingAppend[] = [];
  private flushing: Promise<void> | null = null;
  /** Positions appended and not released. */
  private readonly unreleased = new Set<number>();
  /** Every position below this is released. */
  private releasedBelow = 0;
  private readonly segmentBytes: number;
  private readonly segmentMs: number;
  private readonly now: () => number;
  private closed = false;
  private releasedWrittenMs = 0;

  private constructor(
    private readonly dir: string,
    private readonly recovered: LoggedRequest[],
    options: IngestLogOptions,
  ) {
    this.segmentBytes = options.segmentBytes ?? 64 * 1024 * 1024;
    this.segmentMs = options.segmentMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** Opens the log in `dir` (made if missing): reads what earlier runs left, cutting a torn tail. */
  static open(dir: string, options: IngestLogOptions = {}): IngestLog {
    mkdirSync(dir, { recursive: true });
    const recovered: LoggedRequest[] = [];
    const log = new IngestLog(dir, recovered, options);
    const names = readdirSync(dir).filter((name) => /^\d{16}\.log$/.test(name)).sort();
    const releasedBelow = readReleasedBelow(dir);
    for (const name of names) {
      const path = join(dir, name);
      const firstPosition = Number(name.slice(0, 16));
      const { records: all, validBytes, tail } = readSegment(path, firstPosition);
      const records = all.filter((record) => record.position >= releasedBelow);
      if (tail.length > 0) {
        // Normally a write the stop interrupted (never acknowledged); kept aside in case it is damage instead.
        const aside = join(dir, DEAD_LETTER_DIR, `${name}.tail-${validBytes}`);
        mkdirSync(join(dir, DEAD_LETTER_DIR), { recursive: true });
        writeFileSync(aside, tail);
        options.log?.(`ingest log: ${name}: the ${tail.length} bytes after its last whole record were cut off (kept in ${aside})`);
        const fd = openSync(path, 'r+');
        try {
          ftruncateSync(fd, validBytes);
          fdatasyncSync(fd);
        } finally {
          closeSync(fd);
        }
      }
      const endPosition = firstPosition + all.length;
      log.nextPosition = Math.max(log.nextPosition, endPosition);
      if (records.length === 0) {
        rmSync(path, { force: true });
        continue;
      }
      recovered.push(...records);
      log.segments.push({ path, firstPosition, endPosition });
    }
    log.nextPosition = Math.max(log.nextPosition, releasedBelow);
    for (const record of recovered) log.unreleased.add(record.position);
    log.releasedBelow = recovered[0]?.position ?? log.nextPosition;
    return log;
  }

  /** The requests logged by earlier runs and not known stored, oldest first (taken once). */
  takeRecovered(): LoggedRequest[] {
    return this.recovered.splice(0);
  }

  /** Records appended and not yet released. */
  get unreleasedCount(): number {
    return this.unreleased.size;
  }

  /** Resolves with the request's position once it is durable (fdatasync'd with the others of its flush). */
  append(meta: LoggedRequestMeta, body: Buffer): Promise<number> {
    if (this.closed) return Promise.reject(new Error('ingest log: closed'));
    const metaJson = Buffer.from(JSON.stringify(meta));
    // Header and payload in one buffer: the body is copied once.
    const frame = Buffer.allocUnsafe(HEADER_BYTES + 4 + metaJson.length + body.length);
    const payload = frame.subarray(HEADER_BYTES);
    payload.writeUInt32LE(metaJson.length, 0);
    metaJson.copy(payload, 4);
    body.copy(payload, 4 + metaJson.length);
    frame.writeUInt32LE(MAGIC, 0);
    frame.writeUInt32LE(payload.length, 4);
    frame.writeUInt32LE(crc32(payload), 8);
    const position = this.nextPosition++;
    this.unreleased.add(position);
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ frame, position, resolve, reject });
      this.flushing ??= this.flushPending();
    }).then(() => position);
  }

  /** The request at `position` is stored (or dead-lettered): its segment goes once all of its records are. */
  release(position: number): void {
    if (!this.unreleased.delete(position)) return;
    const before = this.releasedBelow;
    while (this.releasedBelow < this.nextPosition && !this.unreleased.has(this.releasedBelow)) this.releasedBelow += 1;
    if (this.releasedBelow === before) return;
    this.deleteReleasedSegments();
    if (this.now() - this.releasedWrittenMs >= RELEASED_WRITE_MS) this.writeReleasedBelow();
  }

  /** Not synced: a stale value only means more records replayed (and recognised as stored). */
  private writeReleasedBelow(): void {
    this.releasedWrittenMs = this.now();
    try {
      writeFileSync(join(this.dir, `${RELEASED_FILE}.tmp`), String(this.releasedBelow));
      renameSync(join(this.dir, `${RELEASED_FILE}.tmp`), join(this.dir, RELEASED_FILE));
    } catch {
      // a hint only
    }
  }

  /** Copies a request's record aside (`dead-letter/`), whole and durably, for an operator to look at: it could not be stored. */
  async deadLetter(request: LoggedRequest, reason: string): Promise<string> {
    const path = join(this.dir, DEAD_LETTER_DIR, `${segmentName(request.position).slice(0, 16)}.json`);
    await writeFileAtomically(path, JSON.stringify({ position: request.position, reason, meta: request.meta, bodyBase64: request.body.toString('base64') }));
    return path;
  }

  private async flushPending(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        try {
          await this.writeDurably(batch);
          for (const append of batch) append.resolve();
        } catch (error) {
          // Not acknowledged: the sender retries. Its positions are released so the segment can go.
          for (const append of batch) {
            this.release(append.position);
            append.reject(error as Error);
          }
          await this.closeSegment();
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  private async writeDurably(batch: PendingAppend[]): Promise<void> {
    if (this.current && (this.currentBytes >= this.segmentBytes || this.now() - this.currentOpenedMs >= this.segmentMs)) await this.closeSegment();
    if (!this.current) await this.openSegment(batch[0]!.position);
    const frames = batch.map((append) => append.frame);
    const length = frames.reduce((sum, frame) => sum + frame.length, 0);
    const startBytes = this.currentBytes;
    try {
      const { bytesWritten } = await this.handle!.writev(frames, startBytes);
      if (bytesWritten !== length) throw new Error(`ingest log: ${bytesWritten} of ${length} bytes written`);
      await this.handle!.datasync();
    } catch (error) {
      // A short write (a full disk) leaves a torn tail: cut it, so the segment stays readable.
      await this.handle!.truncate(startBytes).catch(() => {});
      throw error;
    }
    this.currentBytes += length;
    this.current!.endPosition = batch[batch.length - 1]!.position + 1;
  }

  private async openSegment(firstPosition: number): Promise<void> {
    const path = join(this.dir, segmentName(firstPosition));
    this.handle = await open(path, 'w');
    this.current = { path, firstPosition, endPosition: firstPosition };
    this.segments.push(this.current);
    this.currentBytes = 0;
    this.currentOpenedMs = this.now();
  }

  private async closeSegment(): Promise<void> {
    const handle = this.handle;
    const segment = this.current;
    this.handle = null;
    this.current = null;
    await handle?.close().catch(() => {});
    if (segment && segment.endPosition === segment.firstPosition) {
      this.segments.splice(this.segments.indexOf(segment), 1);
      rmSync(segment.path, { force: true });
    }
    // Its records may all have been released while it was being written.
    this.deleteReleasedSegments();
  }

  private deleteReleasedSegments(): void {
    while (this.segments.length > 0 && this.segments[0]!.endPosition <= this.releasedBelow && this.segments[0] !== this.current) {
      rmSync(this.segments.shift()!.path, { force: true });
    }
  }

  /** Waits for appends in flight; segments not released stay for the next start. */
  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    this.closed = true;
    await this.closeSegment();
    this.writeReleasedBelow();
  }
}

function readReleasedBelow(dir: string): number {
  try {
    const value = Number(readFileSync(join(dir, RELEASED_FILE), 'utf8'));
    return Number.isSafeInteger(value) && value >= 0 ? value : 0;
  } catch {
    return 0;
  }
}

/** The whole records of a segment, where the last one ends, and the bytes after it. */
function readSegment(path: string, firstPosition: number): { records: LoggedRequest[]; validBytes: number; tail: Buffer } {
  const data = readFileSync(path);
  const records: LoggedRequest[] = [];
  let offset = 0;
  while (offset + HEADER_BYTES <= data.length) {
    if (data.readUInt32LE(offset) !== MAGIC) break;
    const length = data.readUInt32LE(offset + 4);
    const end = offset + HEADER_BYTES + length;
    if (end > data.length) break;
    const payload = data.subarray(offset + HEADER_BYTES, end);
    if (crc32(payload) !== data.readUInt32LE(offset + 8)) break;
    const metaLength = payload.readUInt32LE(0);
    let meta: LoggedRequestMeta;
    try {
      meta = JSON.parse(payload.subarray(4, 4 + metaLength).toString('utf8')) as LoggedRequestMeta;
    } catch {
      break;
    }
    records.push({ position: firstPosition + records.length, meta, body: Buffer.from(payload.subarray(4 + metaLength)) });
    offset = end;
  }
  return { records, validBytes: offset, tail: data.subarray(offset) };
}

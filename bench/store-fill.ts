import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concatBatches, type SpanBatch } from '@stitch/model';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { decodeOtlpTraces } from '@stitch/wire';
import { poolWindowMs, type PoolSpec } from './pool-spec.ts';
import { spanCountLabel } from './span-count.ts';
import { DIRECT_INGEST_ACCOUNT } from './decode-rate.ts';
import { dirSizeBytes } from './dir-size.ts';
import { onExit } from './exit-cleanup.ts';
import type { PayloadPool } from './otlp-load.ts';
import { batchInRound, poolBatch, type PoolBatch, type RoundLayout } from './span-rekey.ts';

// Query latency is measured on a DuckDB file holding N spans. Filling 10M spans over HTTP would
// take most of the bench's time budget, so the store is filled in-process: the pool's payloads
// decoded with the decode central runs, then written round after round with store.writeBatch in
// batches the size of central's largest group commit. Each round re-keys the traces and moves
// them into its own slice of the hour (span-rekey.ts), so the store is in time order as real
// ingest leaves it. The slices depend on how many rounds fill the store, so every size is filled
// from empty. The file is cached under bench/.cache, keyed by the pool, the size and the sources
// that shape what is stored.

const CACHE_DIR = fileURLToPath(new URL('./.cache/', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const STORE_FILE = 'stitch.duckdb'; // the name `stitch central --data DIR` opens
const MARKER_FILE = 'fill.json'; // written last: a directory without it is an interrupted fill
/** Central's WriteQueue writes at most this many spans per transaction. */
const FILL_BATCH_SPANS = 50_000;
const PROGRESS_EVERY_MS = 5_000;

export const FILL_METHOD =
  'in-process: decodeOtlpTraces of the pool payloads, re-keyed per round and moved into the round\'s 1/R of the hour (time-ordered), store.writeBatch in batches of 50,000 spans (not over HTTP)';

interface FillMarker {
  targetSpans: number;
  storedSpans: number;
  /** Pool payloads written, in order: payload i of round r is slot r * payloads + i. */
  slotsWritten: number;
  /** R: round r holds the traces starting in the r-th 1/R of the hour. */
  rounds: number;
  fillSeconds: number;
  createdAt: string;
}

export interface FilledStore {
  /** The data directory to start central on. */
  dir: string;
  storedSpans: number;
  slotsWritten: number;
  /** Where each round's traces are in time (the reference answers need it). */
  layout: RoundLayout;
  bytesOnDisk: number;
  fill: {
    method: string;
    reusedFromCache: boolean;
    /** Of the fill that made the cached file (not of this run when it was reused). */
    seconds: number;
    spansPerSecond: number;
  };
}

/** Bench files that decide the stored spans: the pool key names the seed and sizes, not the generator or the layout. */
const GENERATOR_FILES = ['bench/otlp-load.ts', 'bench/otlp-proto.ts', 'bench/span-rekey.ts', 'bench/store-fill.ts'];

/** The sources of the store, the decoder, the span model and the generator, and the DuckDB version: when they change, cached files are stale. */
function codeVersion(): string {
  const hash = createHash('sha256');
  for (const dir of ['packages/store-duckdb/src', 'packages/wire/src', 'packages/model/src']) {
    for (const name of readdirSync(join(REPO_ROOT, dir)).sort()) {
      if (name.endsWith('.ts') && !name.endsWith('.test.ts')) hash.update(name).update(readFileSync(join(REPO_ROOT, dir, name)));
    }
  }
  for (const file of GENERATOR_FILES) hash.update(file).update(readFileSync(join(REPO_ROOT, file)));
  hash.update(readFileSync(join(REPO_ROOT, 'node_modules/@duckdb/node-api/package.json')));
  return hash.digest('hex').slice(0, 10);
}

function readMarker(dir: string): FillMarker | null {
  try {
    return JSON.parse(readFileSync(join(dir, MARKER_FILE), 'utf8')) as FillMarker;
  } catch {
    return null;
  }
}

function prepareCacheDir(): void {
  mkdirSync(CACHE_DIR, { recursive: true });
  // Gigabytes of generated data: ignored from inside, so no repository-level ignore rule is needed.
  const ignore = join(CACHE_DIR, '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, '*\n');
}

/** The layout of a store of `targetSpans`: as many rounds as it takes, over the pool's hour. */
export function fillLayout(pool: PayloadPool, spec: PoolSpec, targetSpans: number): RoundLayout {
  const { startMs, endMs } = poolWindowMs(spec);
  return { windowStartNs: BigInt(startMs) * 1_000_000n, windowNs: BigInt(endMs - startMs) * 1_000_000n, rounds: Math.ceil(targetSpans / pool.spanCount) };
}

function toFilledStore(dir: string, marker: FillMarker, layout: RoundLayout, reused: boolean): FilledStore {
  return {
    dir,
    storedSpans: marker.storedSpans,
    slotsWritten: marker.slotsWritten,
    layout,
    bytesOnDisk: dirSizeBytes(dir),
    fill: {
      method: FILL_METHOD,
      reusedFromCache: reused,
      seconds: marker.fillSeconds,
      spansPerSecond: Math.round(marker.storedSpans / marker.fillSeconds),
    },
  };
}

/** A data directory whose store holds at least `targetSpans` spans of the pool (cached, or filled now). */
export async function filledStore(pool: PayloadPool, spec: PoolSpec, targetSpans: number, refill: boolean): Promise<FilledStore> {
  prepareCacheDir();
  const poolKey = `store-s${spec.seed}-p${spec.spans}x${spec.spansPerRequest}-a${spec.anchorMs}`;
  const prefix = `${poolKey}-${codeVersion()}-`;
  const dir = join(CACHE_DIR, `${prefix}${spanCountLabel(targetSpans)}`);

  for (const name of readdirSync(CACHE_DIR)) {
    if (name.startsWith(`${poolKey}-`) && !name.startsWith(prefix)) {
      console.error(`  removing ${name} from the cache (made by other store, decoder or generator code)`);
      rmSync(join(CACHE_DIR, name), { recursive: true, force: true });
    }
  }

  const layout = fillLayout(pool, spec, targetSpans);
  const cached = readMarker(dir);
  if (!refill && cached !== null && cached.targetSpans === targetSpans && cached.rounds === layout.rounds) return toFilledStore(dir, cached, layout, true);

  rmSync(dir, { recursive: true, force: true });
  const forgetDir = onExit(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  const { storedSpans, slotsWritten } = await writeSlots(pool, join(dir, STORE_FILE), targetSpans, layout);
  const marker: FillMarker = {
    targetSpans,
    storedSpans,
    slotsWritten,
    rounds: layout.rounds,
    fillSeconds: Math.round((performance.now() - started) / 10) / 100,
    createdAt: new Date().toISOString(),
  };
  writeFileSync(join(dir, `${MARKER_FILE}.tmp`), JSON.stringify(marker, null, 2));
  renameSync(join(dir, `${MARKER_FILE}.tmp`), join(dir, MARKER_FILE));
  forgetDir();
  return toFilledStore(dir, marker, layout, false);
}

/** The pool's payloads decoded once: every round reuses the columns with new trace ids and times. */
export function decodedPool(pool: PayloadPool): PoolBatch[] {
  return pool.payloads.map((payload) => poolBatch(decodeOtlpTraces(payload.body, 'protobuf', DIRECT_INGEST_ACCOUNT).batch));
}

/** The batches a fill writes, in its order: pool payloads round after round, grouped to `batchSpans`, until the target. */
export class BatchSource {
  slot = 0;
  spans = 0;
  constructor(
    private readonly decoded: PoolBatch[],
    private readonly layout: RoundLayout,
    private readonly targetSpans: number,
    private readonly batchSpans: number,
  ) {}

  /** The next batch, or null once `untilSpans` (or the target) are handed out. */
  next(untilSpans = this.targetSpans): SpanBatch | null {
    const parts: SpanBatch[] = [];
    let size = 0;
    while (size < this.batchSpans && this.spans < Math.min(untilSpans, this.targetSpans)) {
      const batch = batchInRound(this.decoded[this.slot % this.decoded.length]!, Math.floor(this.slot / this.decoded.length), this.layout);
      parts.push(batch);
      size += batch.length;
      this.spans += batch.length;
      this.slot++;
    }
    return parts.length === 0 ? null : concatBatches(parts);
  }
}

async function writeSlots(pool: PayloadPool, path: string, targetSpans: number, layout: RoundLayout): Promise<{ storedSpans: number; slotsWritten: number }> {
  const source = new BatchSource(decodedPool(pool), layout, targetSpans, FILL_BATCH_SPANS);
  const store = await openDuckDbStore({ path });
  const started = performance.now();
  let reportAt = started + PROGRESS_EVERY_MS;
  try {
    for (let batch = source.next(); batch !== null; batch = source.next()) {
      await store.writeBatch(batch);
      if (performance.now() >= reportAt) {
        reportAt += PROGRESS_EVERY_MS;
        const rate = source.spans / ((performance.now() - started) / 1_000);
        const eta = (targetSpans - source.spans) / rate;
        console.error(`  fill: ${source.spans.toLocaleString('en-US')} / ${targetSpans.toLocaleString('en-US')} spans, ${Math.round(rate).toLocaleString('en-US')} spans/s, ~${Math.ceil(eta)} s left`);
      }
    }
  } finally {
    await store.close();
  }
  return { storedSpans: source.spans, slotsWritten: source.slot };
}

import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { concatBatches, type SpanBatch } from '@stitch/model';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { decodeOtlpTraces } from '@stitch/wire';
import { spanCountLabel, type PoolSpec } from './bench-options.ts';
import { DIRECT_INGEST_ACCOUNT } from './decode-rate.ts';
import { dirSizeBytes } from './dir-size.ts';
import { onExit } from './exit-cleanup.ts';
import type { PayloadPool } from './otlp-load.ts';
import { batchInRound } from './span-rekey.ts';

// Query latency is measured on a DuckDB file holding N spans. Filling 10M spans over HTTP would
// take most of the bench's time budget, so the store is filled in-process: the pool's payloads
// decoded with the decode central runs, re-keyed per round, written with store.writeBatch in
// batches the size of central's largest group commit. The file is cached under bench/.cache,
// keyed by the pool and by the sources that shape what is stored, and a larger store starts
// from a copy of the largest smaller one (the fill order is fixed, so the result is the same).

const CACHE_DIR = fileURLToPath(new URL('./.cache/', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const STORE_FILE = 'stitch.duckdb'; // the name `stitch central --data DIR` opens
const MARKER_FILE = 'fill.json'; // written last: a directory without it is an interrupted fill
/** Central's WriteQueue writes at most this many spans per transaction. */
const FILL_BATCH_SPANS = 50_000;
const PROGRESS_EVERY_MS = 5_000;

export const FILL_METHOD = 'in-process: decodeOtlpTraces of the pool payloads, re-keyed per round, store.writeBatch in batches of 50,000 spans (not over HTTP)';

interface FillMarker {
  targetSpans: number;
  storedSpans: number;
  /** Pool payloads written, in order: payload i of round r is slot r * payloads + i. */
  slotsWritten: number;
  fillSeconds: number;
  resumedFromSpans: number | null;
  createdAt: string;
}

export interface FilledStore {
  /** The data directory to start central on. */
  dir: string;
  storedSpans: number;
  slotsWritten: number;
  bytesOnDisk: number;
  fill: {
    method: string;
    reusedFromCache: boolean;
    /** Spans already in the cached smaller store this fill continued from. */
    resumedFromSpans: number | null;
    /** Of the fill that made the cached file (not of this run when it was reused). */
    seconds: number;
    spansPerSecond: number;
  };
}

/** Bench files that decide the generated spans: the pool key names the seed and sizes, not the generator. */
const GENERATOR_FILES = ['bench/otlp-load.ts', 'bench/otlp-proto.ts', 'bench/span-rekey.ts'];

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

function toFilledStore(dir: string, marker: FillMarker, reused: boolean): FilledStore {
  return {
    dir,
    storedSpans: marker.storedSpans,
    slotsWritten: marker.slotsWritten,
    bytesOnDisk: dirSizeBytes(dir),
    fill: {
      method: FILL_METHOD,
      reusedFromCache: reused,
      resumedFromSpans: marker.resumedFromSpans,
      seconds: marker.fillSeconds,
      spansPerSecond: Math.round((marker.storedSpans - (marker.resumedFromSpans ?? 0)) / marker.fillSeconds),
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

  const cached = readMarker(dir);
  if (!refill && cached !== null && cached.targetSpans === targetSpans) return toFilledStore(dir, cached, true);

  rmSync(dir, { recursive: true, force: true });
  const forgetDir = onExit(() => rmSync(dir, { recursive: true, force: true }));
  const base = refill ? null : largestSmallerStore(prefix, targetSpans);
  if (base) {
    console.error(`  continuing from the cached store of ${base.marker.storedSpans.toLocaleString('en-US')} spans`);
    cpSync(base.dir, dir, { recursive: true });
    rmSync(join(dir, MARKER_FILE));
  } else {
    mkdirSync(dir, { recursive: true });
  }

  const started = performance.now();
  const { storedSpans, slotsWritten } = await writeSlots(pool, join(dir, STORE_FILE), targetSpans, base?.marker ?? null);
  const marker: FillMarker = {
    targetSpans,
    storedSpans,
    slotsWritten,
    fillSeconds: Math.round((performance.now() - started) / 10) / 100,
    resumedFromSpans: base?.marker.storedSpans ?? null,
    createdAt: new Date().toISOString(),
  };
  writeFileSync(join(dir, `${MARKER_FILE}.tmp`), JSON.stringify(marker, null, 2));
  renameSync(join(dir, `${MARKER_FILE}.tmp`), join(dir, MARKER_FILE));
  forgetDir();
  return toFilledStore(dir, marker, false);
}

function largestSmallerStore(prefix: string, targetSpans: number): { dir: string; marker: FillMarker } | null {
  let best: { dir: string; marker: FillMarker } | null = null;
  for (const name of readdirSync(CACHE_DIR)) {
    if (!name.startsWith(prefix)) continue;
    const marker = readMarker(join(CACHE_DIR, name));
    if (marker && marker.storedSpans < targetSpans && (!best || marker.storedSpans > best.marker.storedSpans)) best = { dir: join(CACHE_DIR, name), marker };
  }
  return best;
}

async function writeSlots(pool: PayloadPool, path: string, targetSpans: number, from: FillMarker | null): Promise<{ storedSpans: number; slotsWritten: number }> {
  // Decoded once; every round reuses the columns with new trace ids.
  const decoded: SpanBatch[] = pool.payloads.map((payload) => decodeOtlpTraces(payload.body, 'protobuf', DIRECT_INGEST_ACCOUNT).batch);
  const store = await openDuckDbStore({ path });
  let storedSpans = from?.storedSpans ?? 0;
  let slot = from?.slotsWritten ?? 0;
  const startSpans = storedSpans;
  const started = performance.now();
  let reportAt = started + PROGRESS_EVERY_MS;
  let parts: SpanBatch[] = [];
  let partSpans = 0;
  const flush = async () => {
    await store.writeBatch(concatBatches(parts));
    parts = [];
    partSpans = 0;
    if (performance.now() >= reportAt) {
      reportAt += PROGRESS_EVERY_MS;
      const rate = (storedSpans - startSpans) / ((performance.now() - started) / 1_000);
      const eta = (targetSpans - storedSpans) / rate;
      console.error(`  fill: ${storedSpans.toLocaleString('en-US')} / ${targetSpans.toLocaleString('en-US')} spans, ${Math.round(rate).toLocaleString('en-US')} spans/s, ~${Math.ceil(eta)} s left`);
    }
  };
  try {
    while (storedSpans < targetSpans) {
      const batch = batchInRound(decoded[slot % decoded.length]!, Math.floor(slot / decoded.length));
      parts.push(batch);
      partSpans += batch.length;
      storedSpans += batch.length;
      slot++;
      if (partSpans >= FILL_BATCH_SPANS) await flush();
    }
    if (parts.length > 0) await flush();
  } finally {
    await store.close();
  }
  return { storedSpans, slotsWritten: slot };
}

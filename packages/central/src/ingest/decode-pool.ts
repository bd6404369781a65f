import { Worker } from 'node:worker_threads';
import type { Account } from '@stitch/model';
import { decodeOtlpTraces, WireError, type DecodedBatch, type OtlpFormat } from '@stitch/wire';
import type { DecodeReply, DecodeRequest } from './decode-protocol.ts';
import { clockMicros, type StageTimes } from './stage-times.ts';

interface Pending {
  resolve: (batch: DecodedBatch) => void;
  reject: (error: Error) => void;
}

interface PooledWorker {
  worker: Worker;
  inFlight: Map<number, Pending>;
}

const WORKER_ENTRY = new URL('./decode-worker-entry.mjs', import.meta.url);
/** Workers that die this many times in a row without answering anything are not respawned. */
const MAX_CONSECUTIVE_DEATHS = 3;

/** Decodes OTLP payloads on worker threads (or inline when `size` is 0, or when workers cannot start). */
export class DecodePool {
  private readonly workers: PooledWorker[] = [];
  private nextId = 1;
  private closed = false;
  private consecutiveDeaths = 0;

  constructor(
    size: number,
    private readonly log: (message: string) => void = () => {},
    /** Told each decode's time (measured where it ran). */
    private readonly times?: StageTimes,
  ) {
    for (let i = 0; i < size; i++) this.workers.push(this.spawn());
  }

  decode(body: Uint8Array, format: OtlpFormat, account: Account): Promise<DecodedBatch> {
    if (this.workers.length === 0) {
      const started = clockMicros();
      try {
        return Promise.resolve(decodeOtlpTraces(body, format, account));
      } catch (error) {
        return Promise.reject(error as Error);
      } finally {
        this.times?.since('decode', started);
      }
    }
    const target = this.workers.reduce((a, b) => (b.inFlight.size < a.inFlight.size ? b : a));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      target.inFlight.set(id, { resolve, reject });
      const request: DecodeRequest = { id, body, format, account };
      target.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }

  private spawn(): PooledWorker {
    const worker = new Worker(WORKER_ENTRY);
    const pooled: PooledWorker = { worker, inFlight: new Map() };
    worker.on('message', (reply: DecodeReply) => {
      const pending = pooled.inFlight.get(reply.id);
      if (!pending) return;
      pooled.inFlight.delete(reply.id);
      this.consecutiveDeaths = 0;
      this.times?.add('decode', reply.decodeMicros);
      if (reply.ok) pending.resolve(reply.batch);
      else pending.reject(reply.wireError ? new WireError(reply.message) : new Error(reply.message));
    });
    worker.on('error', (error) => this.replace(pooled, error));
    worker.on('exit', (code) => {
      if (!this.closed) this.replace(pooled, new Error(`decode worker exited with code ${code}`));
    });
    worker.unref();
    return pooled;
  }

  // A dead worker fails only its own in-flight requests; a fresh one takes its place.
  private replace(dead: PooledWorker, error: Error): void {
    const index = this.workers.indexOf(dead);
    if (index === -1 || this.closed) return;
    for (const pending of dead.inFlight.values()) pending.reject(error);
    dead.inFlight.clear();
    void dead.worker.terminate();
    // A worker that cannot even start would otherwise be respawned in a tight loop.
    if (++this.consecutiveDeaths >= MAX_CONSECUTIVE_DEATHS) {
      this.log(`decode workers keep failing (${error.message}); decoding on the main thread from now on`);
      this.workers.splice(index, 1);
      for (const other of this.workers.splice(0)) {
        for (const pending of other.inFlight.values()) pending.reject(error);
        void other.worker.terminate();
      }
      return;
    }
    this.workers[index] = this.spawn();
  }
}

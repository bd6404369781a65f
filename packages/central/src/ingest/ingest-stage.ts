import { RecentKeys } from '@stitch/cost';
import { BodyBudget, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_SPANS_PER_REQUEST } from '@stitch/http';
import type { CentralOptions } from '../central-options.ts';
import type { DerivedFigures } from '../derive/derived-figures.ts';
import type { UsageMeter } from '../derive/usage-meter.ts';
import type { Principals } from '../access/principals.ts';
import type { Route } from '../http/route.ts';
import { DecodePool } from './decode-pool.ts';
import { handleOtlpLogs } from './otlp-logs-handler.ts';
import { handleOtlpTraces, type OtlpIngestOptions } from './otlp-traces-handler.ts';
import { TailSampling } from './tail-sampling.ts';
import { TraceSizeLimit } from './trace-size-limit.ts';
import type { WriteQueue } from './write-queue.ts';

const DEFAULT_MAX_SPANS_PER_TRACE = 100_000;

export interface IngestStage {
  routes: Route[];
  close(): Promise<void>;
}

/** OTLP spans and log records in: decoded off the main thread, checked, held for tail sampling or written. */
export function ingestStage(options: CentralOptions, writes: WriteQueue, derived: DerivedFigures, usage: UsageMeter, principals: Principals, now: () => number, log: (message: string) => void): IngestStage {
  const pool = new DecodePool(options.decodeWorkers ?? 2, log);
  const tail = options.tailSampling ? new TailSampling(options.tailSampling, writes, now, log) : null;
  const bodies = new BodyBudget(options.maxBodyBytesInFlight);
  const traces: OtlpIngestOptions = {
    pool,
    writes,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    bodies,
    maxSpansPerRequest: options.maxSpansPerRequest ?? DEFAULT_MAX_SPANS_PER_REQUEST,
    traceSizeLimit: new TraceSizeLimit(options.maxSpansPerTrace ?? DEFAULT_MAX_SPANS_PER_TRACE),
    maxPendingSpans: options.maxPendingSpans ?? 500_000,
    onIngested: (batch, requestBytes) => usage.ingested(batch, requestBytes),
    figuresUnavailable: () => derived.unavailable(),
    ...(tail ? { tailSampling: tail } : {}),
  };
  const logs = { store: options.store, maxBodyBytes: traces.maxBodyBytes, bodies, maxRecordsPerRequest: traces.maxSpansPerRequest, deliveries: new RecentKeys(100_000) };
  return {
    routes: [
      { method: 'POST', path: '/v1/traces', access: 'ingest', handle: ({ req, res, who }) => handleOtlpTraces(req, res, traces, principals.accountOf(who)) },
      { method: 'POST', path: '/v1/logs', access: 'ingest', handle: ({ req, res, who }) => handleOtlpLogs(req, res, logs, principals.accountOf(who, 'logs')) },
      TailSampling.route(tail),
    ],
    async close() {
      await pool.close();
      await tail?.close();
    },
  };
}

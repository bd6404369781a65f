import type { IngestStagesJson } from '@stitch/api';
import { RecentKeys } from '@stitch/cost';
import { BodyBudget, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_SPANS_PER_REQUEST, decompressPayload, type OtlpGrpcHandlers } from '@stitch/http';
import { decodeOtlpTraces } from '@stitch/wire';
import type { CentralOptions } from '../central-options.ts';
import type { DerivedFigures } from '../derive/derived-figures.ts';
import type { UsageMeter } from '../derive/usage-meter.ts';
import type { Guard } from '../access/access-policy.ts';
import type { Principals } from '../access/principals.ts';
import type { Route } from '../http/route.ts';
import { DecodePool } from './decode-pool.ts';
import { IngestAdmission } from './ingest-admission.ts';
import type { IngestLog } from './ingest-log.ts';
import { otlpGrpcIngest } from './otlp-grpc-ingest.ts';
import { handleOtlpLogs, type LogIngestOptions } from './otlp-logs-handler.ts';
import { handleOtlpTraces, type OtlpIngestOptions } from './otlp-traces-handler.ts';
import type { StageTimes } from './stage-times.ts';
import { TailSampling } from './tail-sampling.ts';
import { TraceSizeLimit } from './trace-size-limit.ts';
import type { WriteQueue } from './write-queue.ts';

const DEFAULT_MAX_SPANS_PER_TRACE = 100_000;
/** Spans admitted at once are what the store stores in about this long: acknowledgements stay prompt, and the store never runs dry between requests. */
const DEFAULT_INGEST_BACKLOG_MS = 1_000;
/**
 * With an ingest log, answers do not wait for the store: the backlog only bounds how long an
 * answered span waits to be queryable at capacity, and a longer one makes each transaction
 * larger, so the store takes more (the mix offered 15,000 spans/s on 2 cores: 8,237 stored a
 * second with 1 s, 12,108 with 2.5 s, 13,929 with 4 s).
 */
const LOGGED_INGEST_BACKLOG_MS = 3_000;
/**
 * Admitted requests waiting for their turn to be read and decoded, per request decoded at once. A
 * waiting request's body stays unread (in the socket), so this is a bound on sockets, not on
 * memory: a burst of many small exports (every service flushing at once) must not be shed.
 */
const WAITING_PER_DECODING = 64;
/** Spans admitted under which none is shed for the store's rate (ingest-admission.ts). */
const MIN_BACKLOG_SPANS = 5_000;
/**
 * Admitted requests unanswered, per request decoded at once, under which none is shed (a closed
 * loop of 8 exporters and a probe, with 2 workers). Not with an ingest log: answered before they
 * are stored, senders no longer wait for the store, so only the backlog can hold them back.
 */
const ALWAYS_ADMITTED_PER_DECODING = 4;

export interface IngestStage {
  routes: Route[];
  /** OTLP/gRPC's exports, taken as the routes take OTLP/HTTP's. */
  grpc(guard: () => Guard): OtlpGrpcHandlers;
  /** Queues what an earlier run logged and may not have stored (decoded and checked again). */
  replay(log: IngestLog): Promise<void>;
  close(): Promise<void>;
}

/** OTLP spans and log records in: decoded off the main thread, checked, held for tail sampling or written. */
export function ingestStage(options: CentralOptions, writes: WriteQueue, times: StageTimes, derived: DerivedFigures, usage: UsageMeter, principals: Principals, now: () => number, log: (message: string) => void): IngestStage {
  const workers = options.decodeWorkers ?? 2;
  const pool = new DecodePool(workers, log, times);
  // Two requests per worker keep each busy while the next body arrives.
  const maxDecoding = Math.max(2, 2 * workers);
  const admission = new IngestAdmission(
    { backlogTargetMs: options.ingestBacklogMs ?? (writes.logged ? LOGGED_INGEST_BACKLOG_MS : DEFAULT_INGEST_BACKLOG_MS), minBacklogSpans: MIN_BACKLOG_SPANS, maxDecoding, maxWaiting: WAITING_PER_DECODING * maxDecoding, alwaysAdmitted: writes.logged ? 0 : ALWAYS_ADMITTED_PER_DECODING * maxDecoding },
    writes,
  );
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
    admission,
    times,
    onIngested: (batch, requestBytes) => usage.ingested(batch, requestBytes),
    figuresUnavailable: () => derived.unavailable(),
    ...(tail ? { tailSampling: tail } : {}),
  };
  const logs: LogIngestOptions = { store: options.store, maxBodyBytes: traces.maxBodyBytes, bodies, maxRecordsPerRequest: traces.maxSpansPerRequest, deliveries: new RecentKeys(100_000) };
  return {
    grpc: (guard) => otlpGrpcIngest(traces, logs, principals, guard, log),
    routes: [
      { method: 'POST', path: '/v1/traces', access: 'ingest', handle: ({ req, res, who }) => handleOtlpTraces(req, res, traces, principals.accountOf(who)) },
      { method: 'POST', path: '/v1/logs', access: 'ingest', handle: ({ req, res, who }) => handleOtlpLogs(req, res, logs, principals.accountOf(who, 'logs')) },
      TailSampling.route(tail),
      { method: 'GET', path: '/api/ingest/stages', access: 'read-config', handle: async () => times.snapshot() satisfies IngestStagesJson },
    ],
    async replay(ingestLog) {
      const requests = ingestLog.takeRecovered();
      if (requests.length > 0) log(`ingest log: ${requests.length} requests accepted before the last stop; storing those not stored yet`);
      for (const request of requests) {
        const { meta } = request;
        try {
          const body = decompressPayload(request.body, meta.encoding ?? 'identity', traces.maxBodyBytes);
          // On this thread: before central listens, nothing else keeps the process alive while a worker (unref'd) decodes.
          const decoded = decodeOtlpTraces(body, meta.format, { id: meta.accountId, label: meta.accountLabel });
          const { batch } = traces.traceSizeLimit.admit(decoded.batch, decoded.rejected);
          writes.replay(batch, request, () => usage.ingested(batch, body.length));
        } catch (error) {
          const path = await ingestLog.deadLetter(request, `replay: ${(error as Error).message}`);
          ingestLog.release(request.position);
          log(`ingest log: a logged request could not be decoded again; set aside in ${path}: ${(error as Error).message}`);
        }
      }
    },
    async close() {
      await pool.close();
      await tail?.close();
    },
  };
}

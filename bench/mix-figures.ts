import type { MixPool } from './mix-pool.ts';
import type { SpoolTrend } from './spool-trend.ts';

/** What the ingest result adds on the mix (absent in checkout runs and older result files). */
export interface MixIngestFigures {
  pool: { spans: number; traces: number; requests: number; otlpBytesPerSpan: number; lateRoots: number; kinds: MixPool['kinds'] };
  /** Spans central stored per second over the measured window (GET /api/services, before and after). */
  storedSpansPerSecond: number | null;
  agents: Array<{
    account: string;
    name: string;
    ackedSpansPerSecond: number;
    non200: number;
    peakRssBytes: number;
    coresUsed: number;
    spool: SpoolTrend;
  }>;
  /** After the load: seconds until every spool was empty (null: not within the limit, the rest was left). */
  drainSeconds: number | null;
}

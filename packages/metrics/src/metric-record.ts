import type { Measurements } from '@stitch/graph';

/**
 * RED of one (account, service, operation) in one time bucket: the requests the service served
 * (its entry spans: server and consumer spans, and roots), counted at ingest with the service
 * map's `Measurements` (count, 4xx errors, 5xx faults, 429 throttles, latency sum and sketch).
 */
export interface MetricRecord {
  bucketStartMs: number;
  account: string;
  accountLabel: string;
  service: string;
  operation: string;
  measurements: Measurements;
}

/** Which series a metrics read covers; an absent field means every value. */
export interface MetricSelector {
  account?: string;
  service?: string;
  operation?: string;
}

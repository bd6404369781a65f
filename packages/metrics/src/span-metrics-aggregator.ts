import { emptyMeasurements, measure, mergeMeasurements } from '@stitch/graph';
import type { Span, SpanBatch, SpanKind, StatusCode } from '@stitch/model';
import type { MetricRecord } from './metric-record.ts';

export const METRIC_BUCKET_MS = 60_000;

/** The requests a service served: its server and consumer spans, and spans that began a trace. */
export function isEntrySpan(kind: SpanKind, parentSpanId: string | null): boolean {
  return kind === 'server' || kind === 'consumer' || parentSpanId === null;
}

/** The bucket a start time falls in. */
export function metricBucketOf(startMs: number, bucketMs = METRIC_BUCKET_MS): number {
  return startMs - (((startMs % bucketMs) + bucketMs) % bucketMs);
}

/** One entry span, as counting needs it. */
interface Entry {
  accountId: string;
  accountLabel: string;
  service: string;
  operation: string;
  startNs: bigint;
  endNs: bigint;
  statusCode: StatusCode;
  httpStatus: number | null;
}

/**
 * Span metrics at ingest: each entry span counted once into the bucket (60 s by default) of its
 * start, per (account, service, operation = span name), with the service map's `measure`, so
 * count, errors (4xx), faults (5xx), throttles (429) and the latency sketch mean the same on
 * both. Pure: the caller drains the records and stores them.
 */
export class SpanMetricsAggregator {
  private records = new Map<string, MetricRecord>();

  constructor(private readonly bucketMs = METRIC_BUCKET_MS) {}

  addSpans(spans: Iterable<Span>): void {
    for (const span of spans) {
      if (!isEntrySpan(span.kind, span.parentSpanId)) continue;
      this.count({
        accountId: span.account.id,
        accountLabel: span.account.label,
        service: span.resource.serviceName,
        operation: span.name,
        startNs: span.startTimeUnixNano,
        endNs: span.endTimeUnixNano,
        statusCode: span.status.code,
        httpStatus: span.http.statusCode,
      });
    }
  }

  /** Straight from ingest's columns: no span is rebuilt (its detail JSON is never parsed). */
  addBatch(batch: SpanBatch): void {
    for (let i = 0; i < batch.length; i++) {
      if (!isEntrySpan(batch.kind[i]!, batch.parentSpanId[i]!)) continue;
      this.count({
        accountId: batch.accountId[i]!,
        accountLabel: batch.accountLabel[i]!,
        service: batch.serviceName[i]!,
        operation: batch.name[i]!,
        startNs: batch.startNs[i]!,
        endNs: batch.endNs[i]!,
        statusCode: batch.statusCode[i]!,
        httpStatus: batch.httpStatus[i]!,
      });
    }
  }

  /** Records counted since the last drain. */
  get pending(): number {
    return this.records.size;
  }

  /** Everything counted since the last drain; the caller stores it (the store adds up repeats). */
  drain(): MetricRecord[] {
    const drained = [...this.records.values()];
    this.records = new Map();
    return drained;
  }

  /** Puts drained records back (their write failed), adding them to what was counted since. */
  restore(records: readonly MetricRecord[]): void {
    for (const record of records) {
      const into = this.recordOf(record.bucketStartMs, record.account, record.accountLabel, record.service, record.operation);
      mergeMeasurements(into.measurements, record.measurements);
    }
  }

  private recordOf(bucketStartMs: number, account: string, accountLabel: string, service: string, operation: string): MetricRecord {
    const key = `${bucketStartMs}\u0000${account}\u0000${service}\u0000${operation}`;
    let record = this.records.get(key);
    if (!record) this.records.set(key, (record = { bucketStartMs, account, accountLabel, service, operation, measurements: emptyMeasurements() }));
    return record;
  }

  private count(entry: Entry): void {
    const bucketStartMs = metricBucketOf(Number(entry.startNs / 1_000_000n), this.bucketMs);
    const record = this.recordOf(bucketStartMs, entry.accountId, entry.accountLabel, entry.service, entry.operation);
    const outcome = { status: { code: entry.statusCode, message: '' }, http: { method: null, route: null, url: null, statusCode: entry.httpStatus } };
    measure(record.measurements, entry.endNs - entry.startNs, outcome);
  }
}

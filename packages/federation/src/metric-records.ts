import { z } from 'zod';
import { METRIC_BUCKET_MS, type MetricRecord } from '@stitch/metrics';
import type { Account } from '@stitch/model';
import { latencySketchJson, sketchTotal } from './latency-sketch-json.ts';

// A federated agent counts span metrics for the spans it keeps and hands the records to central
// with its heartbeat (records are aggregates: no span leaves the account). Central checks each one
// here and files it under the link's account: the payload's account is never read.

/** Records in one heartbeat at most (about 2 MB of JSON); an agent holding more sends the rest next. */
export const METRIC_RECORDS_PER_HEARTBEAT = 5_000;

/** Service and operation names at most (an agent cuts longer ones before sending: `metricRecordToJson`). */
export const METRIC_NAME_CHARS = 1024;
// A minute's latency sum of one operation: 2^53 ns is 104 days of requests, so the store's int64
// sums cannot be overflowed by a few records, and Number() of it stays exact.
const MAX_LATENCY_SUM = 2n ** 53n;
// Buckets after year 2200 are no real spans' (and would not fit some stores' timestamps).
const MAX_BUCKET_MS = 7_258_118_400_000;

const count = z.number().int().nonnegative();

const measurementsJson = z
  .object({
    count: count.min(1),
    errors: count,
    faults: count,
    throttles: count,
    latencySumNanos: z
      .string()
      .regex(/^\d{1,16}$/, { message: 'expected nanoseconds as a decimal string', abort: true })
      .refine((text) => BigInt(text) <= MAX_LATENCY_SUM, 'beyond 2^53 nanoseconds in one record')
      .transform((text) => BigInt(text)),
    latency: latencySketchJson,
  })
  .superRefine((m, context) => {
    for (const field of ['errors', 'faults', 'throttles'] as const) {
      if (m[field] > m.count) context.addIssue({ code: 'custom', path: [field], message: 'more than the requests counted' });
    }
    if (sketchTotal(m.latency) !== m.count) context.addIssue({ code: 'custom', path: ['latency'], message: 'does not add up to count' });
  });

/** One record as it travels (the account fields, if any, are dropped: central decides the account). */
export const metricRecordJson = z.object({
  bucketStartMs: z
    .number()
    .int()
    .min(0)
    .max(MAX_BUCKET_MS)
    .refine((ms) => ms % METRIC_BUCKET_MS === 0, `not the start of a ${METRIC_BUCKET_MS / 1000} s bucket`),
  service: z.string().max(METRIC_NAME_CHARS),
  operation: z.string().max(METRIC_NAME_CHARS),
  measurements: measurementsJson,
});

/** A heartbeat's records: `batchId` lets central take a batch sent again (its answer was lost) once. */
export const metricBatchJson = z.object({
  batchId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'expected 1 to 64 letters, digits or dashes'),
  records: z.array(metricRecordJson).max(METRIC_RECORDS_PER_HEARTBEAT),
});

export type MetricBatchJson = z.input<typeof metricBatchJson>;
export type MetricRecordJson = z.input<typeof metricRecordJson>;

/** A record as an agent sends it; names past `METRIC_NAME_CHARS` are cut (a span name can be a whole SQL statement). */
export function metricRecordToJson(record: MetricRecord): MetricRecordJson & Pick<MetricRecord, 'account' | 'accountLabel'> {
  return {
    ...record,
    service: cut(record.service),
    operation: cut(record.operation),
    measurements: { ...record.measurements, latencySumNanos: record.measurements.latencySumNanos.toString() },
  };
}

// Not between the halves of a surrogate pair.
const cut = (name: string) => (name.length <= METRIC_NAME_CHARS ? name : name.slice(0, METRIC_NAME_CHARS).replace(/[\ud800-\udbff]$/u, ''));

/** Checked records, filed under `account` whatever they claimed. */
export function metricRecordsAs(account: Account, records: readonly z.output<typeof metricRecordJson>[]): MetricRecord[] {
  return records.map((record) => ({ ...record, account: account.id, accountLabel: account.label }));
}

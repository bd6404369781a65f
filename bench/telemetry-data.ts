import { emptyMeasurements, measure } from '@stitch/graph';
import type { MetricRecord } from '@stitch/metrics';
import { makeSpan, nanos, type LogRecord, type Span, type UsageRow } from '@stitch/model';
import { Rng, toHex } from './otlp-load.ts';

// The telemetry phase's data, generated from a seed, with the answers central must give worked
// out alongside (pure: no I/O). Span metrics: one record a minute for each of 30 series. Usage:
// rows as central's meter appends them, a few a day per account and service. Logs: traces of
// three spans with five log lines each, 1 % of them slower than 2 s.

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export const METRIC_ACCOUNTS = [
  { id: '111111111111', label: 'edge' },
  { id: '222222222222', label: 'checkout' },
] as const;
export const METRIC_SERVICES = ['checkout', 'payments', 'pricing', 'inventory', 'notifications'] as const;
export const METRIC_OPERATIONS = ['GET /cart', 'POST /checkout', 'consume orders'] as const;
/** The SLO measured: "checkout answers within 2 s", which no generated duration straddles. */
export const SLO_SERVICE = 'checkout';
export const SLO_THRESHOLD_MS = 2_000;
/** Fast requests take up to 1.5 s, slow ones at least 2.6 s: never in the latency sketch's bucket holding 2 s. */
const FAST_MS = [5, 1_500] as const;
const SLOW_MS = [2_600, 9_000] as const;

const OK = { status: { code: 'unset' as const, message: '' }, http: { method: null, route: null, url: null, statusCode: 200 } };
const FAULT = { status: { code: 'error' as const, message: '' }, http: { method: null, route: null, url: null, statusCode: 500 } };

export interface MetricExpectation {
  records: number;
  /** Requests per service, and per "service\u0000operation" (across accounts). */
  byService: Map<string, number>;
  byOperation: Map<string, number>;
  /** The SLO's requests (SLO_SERVICE, every operation and account) and how many were within SLO_THRESHOLD_MS. */
  slo: { total: number; good: number };
}

export const operationKey = (service: string, operation: string) => `${service}\u0000${operation}`;

const between = (rng: Rng, [low, high]: readonly [number, number]) => low + rng.next() * (high - low);

/**
 * Minute records of the `days` before `endMs` (a whole minute) for the 30 series, one day per
 * call of `write`, the expected answers counted as they are made.
 */
export async function writeMinuteRecords(endMs: number, days: number, seed: number, write: (records: MetricRecord[]) => Promise<void>): Promise<MetricExpectation> {
  const rng = new Rng(seed);
  const expected: MetricExpectation = { records: 0, byService: new Map(), byOperation: new Map(), slo: { total: 0, good: 0 } };
  for (let day = 0; day < days; day++) {
    const records: MetricRecord[] = [];
    const dayStart = endMs - (days - day) * DAY_MS;
    for (let minute = dayStart; minute < dayStart + DAY_MS; minute += MINUTE_MS) {
      for (const account of METRIC_ACCOUNTS) {
        for (const service of METRIC_SERVICES) {
          for (const operation of METRIC_OPERATIONS) {
            const measurements = emptyMeasurements();
            const count = 1 + Math.floor(rng.next() * 20);
            let good = 0;
            for (let i = 0; i < count; i++) {
              const slow = rng.next() < 0.02;
              if (!slow) good++;
              measure(measurements, BigInt(Math.round(between(rng, slow ? SLOW_MS : FAST_MS) * 1e6)), rng.next() < 0.01 ? FAULT : OK);
            }
            records.push({ bucketStartMs: minute, account: account.id, accountLabel: account.label, service, operation, measurements });
            expected.byService.set(service, (expected.byService.get(service) ?? 0) + count);
            expected.byOperation.set(operationKey(service, operation), (expected.byOperation.get(operationKey(service, operation)) ?? 0) + count);
            if (service === SLO_SERVICE) {
              expected.slo.total += count;
              expected.slo.good += good;
            }
          }
        }
      }
    }
    expected.records += records.length;
    await write(records);
  }
  return expected;
}

export interface UsageExpectation {
  rows: number;
  tracesRecorded: number;
  spans: number;
  days: string[];
}

/**
 * Usage of the `days` UTC days up to `endDay` ('YYYY-MM-DD', included): `flushesPerDay` rows a day
 * for each account and service, as the meter appends them; one day per call of `write`.
 */
export async function writeUsageDays(endDay: string, days: number, flushesPerDay: number, seed: number, write: (rows: UsageRow[]) => Promise<void>): Promise<UsageExpectation> {
  const rng = new Rng(seed);
  const endMs = Date.parse(`${endDay}T00:00:00Z`);
  const expected: UsageExpectation = { rows: 0, tracesRecorded: 0, spans: 0, days: [] };
  for (let d = days - 1; d >= 0; d--) {
    const dayMs = endMs - d * DAY_MS;
    const day = new Date(dayMs).toISOString().slice(0, 10);
    expected.days.push(day);
    const rows: UsageRow[] = [];
    for (let flush = 0; flush < flushesPerDay; flush++) {
      const atMs = dayMs + Math.floor((flush * DAY_MS) / flushesPerDay);
      for (const account of METRIC_ACCOUNTS) {
        for (const serviceName of METRIC_SERVICES) {
          const tracesRecorded = Math.floor(rng.next() * 50);
          const spans = tracesRecorded * 6;
          rows.push({ day, accountId: account.id, serviceName, tracesRecorded, tracesFirstRecorded: tracesRecorded, spans, bytesIngested: spans * 700, bytesStored: spans * 400, tracesScanned: 0, tracesRetrieved: 0, firstSeenMs: atMs, lastSeenMs: atMs });
          expected.tracesRecorded += tracesRecorded;
          expected.spans += spans;
        }
      }
    }
    expected.rows += rows.length;
    await write(rows);
  }
  return expected;
}

export const LOG_LINES_PER_TRACE = 5;
const LOG_ACCOUNT = { id: 'local', label: 'local' };

export interface LoggedTrace {
  traceId: string;
  spans: Span[];
  logs: LogRecord[];
  /** Longer than 2 s: what `duration > 2` finds. */
  slow: boolean;
}

/**
 * `count` checkout traces starting over the hour from `startMs` (orchestrator → payments), each
 * with five log lines inside its spans. Central stamps the account ('local', its default) on both.
 */
export function loggedTraces(count: number, startMs: number, seed: number): LoggedTrace[] {
  const rng = new Rng(seed);
  const id = (bytes: number) => toHex(Uint8Array.from({ length: bytes }, () => rng.nextUint32() & 0xff));
  return Array.from({ length: count }, (_, i) => {
    const traceId = id(16);
    const slow = rng.next() < 0.01;
    const durationMs = between(rng, slow ? SLOW_MS : [20, 1_500]);
    const startNs = BigInt(startMs + Math.floor((i / count) * 3_600_000)) * 1_000_000n + BigInt(Math.floor(rng.next() * 1e6));
    const at = (share: number) => nanos(startNs + BigInt(Math.round(durationMs * share * 1e6)));
    const [rootId, callId, serverId] = [id(8), id(8), id(8)];
    const span = (spanId: string, parentSpanId: string | null, service: string, name: string, kind: Span['kind'], from: number, to: number) =>
      makeSpan({ traceId, spanId, parentSpanId, name, kind, startTimeUnixNano: at(from), endTimeUnixNano: at(to), resource: { serviceName: service, attributes: { 'service.name': service } }, account: LOG_ACCOUNT, attributes: {} });
    const spans = [
      span(rootId, null, 'checkout-orchestrator', 'POST /checkout', 'server', 0, 1),
      span(callId, rootId, 'checkout-orchestrator', 'POST /charges', 'client', 0.1, 0.9),
      span(serverId, callId, 'payments', 'POST /charges', 'server', 0.15, 0.85),
    ];
    const line = (share: number, spanId: string, serviceName: string, severityText: 'INFO' | 'WARN' | 'ERROR', body: string): LogRecord => ({
      timeUnixNano: at(share),
      severityNumber: { INFO: 9, WARN: 13, ERROR: 17 }[severityText],
      severityText,
      body,
      traceId,
      spanId,
      serviceName,
      attributes: { 'order.id': `ord_${i}` },
      account: LOG_ACCOUNT,
    });
    const logs = [
      line(0.01, rootId, 'checkout-orchestrator', 'INFO', `checkout started for order ord_${i}`),
      line(0.12, callId, 'checkout-orchestrator', 'INFO', 'charging the card'),
      line(0.2, serverId, 'payments', 'INFO', 'calling Stripe'),
      line(0.8, serverId, 'payments', slow ? 'WARN' : 'INFO', slow ? 'Stripe answered slowly' : 'Stripe answered'),
      line(0.99, rootId, 'checkout-orchestrator', 'INFO', 'checkout done'),
    ];
    return { traceId, spans, logs, slow };
  });
}

/** What `GET /api/logs?q=duration > 2&limit=…` must answer: the newest (at most `maxTraces`) slow traces' lines, up to `limit`. */
export function expectedSlowLogs(traces: readonly LoggedTrace[], maxTraces: number, limit: number): { matchedTraces: number; logs: number; traceIds: Set<string> } {
  const slow = traces.filter((trace) => trace.slow);
  const matchedTraces = Math.min(slow.length, maxTraces);
  return { matchedTraces, logs: Math.min(limit, matchedTraces * LOG_LINES_PER_TRACE), traceIds: new Set(slow.map((trace) => trace.traceId)) };
}

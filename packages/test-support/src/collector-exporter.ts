import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs/minimal.js';

/** How the OpenTelemetry Collector's `otlphttp` exporter retries (exporterhelper's retry_on_failure), with its intervals scaled for a test. */
export interface CollectorRetry {
  initialIntervalMs: number;
  maxElapsedMs: number;
}

export interface CollectorExportResult {
  /** The last answer's status (200 once taken; the refusal when retrying ended). */
  status: number;
  attempts: number;
  /** Retry-After values (seconds) the exporter waited for. */
  waitedSeconds: number[];
  /** The 200's partial_success.rejected_spans (or rejected_log_records), as the Collector logs it. */
  rejected: number;
}

/** The statuses the otlphttp exporter retries; every other refusal is permanent (the batch is dropped and logged). */
const RETRYABLE = new Set([429, 502, 503, 504]);

/**
 * One export as the OpenTelemetry Collector's `otlphttp` exporter sends it (its wire behaviour,
 * written from the Collector's documentation and exporter: otlphttpexporter, exporterhelper): a
 * protobuf body gzip-compressed (its default compression), `Content-Type: application/x-protobuf`,
 * the Collector's `User-Agent`, the headers configured (the link token as `Authorization`), no
 * idempotency key; retried on 429, 502, 503 and 504 with the same bytes, after `Retry-After`
 * when the answer gives one, else after an interval that doubles.
 */
export async function collectorExport(url: string, body: Uint8Array, headers: Record<string, string>, retry: CollectorRetry = { initialIntervalMs: 50, maxElapsedMs: 10_000 }): Promise<CollectorExportResult> {
  const compressed = gzipSync(body);
  const started = Date.now();
  const waitedSeconds: number[] = [];
  let interval = retry.initialIntervalMs;
  for (let attempts = 1; ; attempts++) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip', 'user-agent': 'OpenTelemetry Collector Contrib/0.115.0 (linux/amd64)', ...headers },
      body: compressed,
    });
    const answer = new Uint8Array(await response.arrayBuffer());
    if (response.status === 200) return { status: 200, attempts, waitedSeconds, rejected: rejectedOf(answer) };
    const retryAfter = Number(response.headers.get('retry-after'));
    const waitMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : interval;
    if (!RETRYABLE.has(response.status) || Date.now() + waitMs - started > retry.maxElapsedMs) return { status: response.status, attempts, waitedSeconds, rejected: 0 };
    if (retryAfter > 0) waitedSeconds.push(retryAfter);
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    interval *= 2;
  }
}

/** partial_success (field 1) → rejected count (field 1, int64) of an Export response. */
function rejectedOf(response: Uint8Array): number {
  const reader = protobuf.Reader.create(response);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 !== 1 || (tag & 7) !== 2) {
      reader.skipType(tag & 7);
      continue;
    }
    const partial = protobuf.Reader.create(reader.bytes());
    while (partial.pos < partial.len) {
      const inner = partial.uint32();
      if (inner >>> 3 === 1 && (inner & 7) === 0) return Number(partial.int64());
      partial.skipType(inner & 7);
    }
  }
  return 0;
}

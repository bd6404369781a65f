import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from '@stitch/model';
import { percentile } from '../percentile.ts';
import { bucketLowerNanos, countAtOrUnder, emptySketch, LATENCY_RELATIVE_ERROR, mergeSketchInto, OLD_HISTOGRAM_BUCKETS, quantileOf, recordLatency, sketchBucketOf, sketchOf, sketchTotal, type LatencySketch } from './latency-sketch.ts';

// Tolerance everywhere: a percentile is at most the true nearest-rank value and less than 2 %
// below it; a count under a threshold lies between the exact counts 2 % below and above it.

const random = seededRandom(24);
const MINUTE_NS = 60e9;
/** Durations people see: µs-fast cache hits, a bimodal body, a heavy (Pareto) tail to minutes, some zeros. */
function durations(n: number): bigint[] {
  return Array.from({ length: n }, () => {
    const r = random();
    if (r < 0.02) return 0n;
    if (r < 0.2) return BigInt(Math.round(1_000 + random() * 50_000));
    if (r < 0.6) return BigInt(Math.round(20e6 * (1 + 0.2 * random())));
    if (r < 0.9) return BigInt(Math.round(300e6 * (1 + 0.5 * random())));
    return BigInt(Math.min(5 * MINUTE_NS, Math.round(50e6 / (1 - random()) ** 1.2)));
  });
}

function sketchOfAll(values: readonly bigint[]): LatencySketch {
  const sketch = emptySketch();
  for (const value of values) recordLatency(sketch, value);
  return sketch;
}

function assertWithinBound(reported: bigint | null, truth: bigint, what: string): void {
  assert.ok(reported !== null && reported <= truth && Number(truth - reported) <= 0.02 * Number(truth), `${what}: ${reported} should be within 2 % under ${truth}`);
}

describe('the latency sketch', () => {
  const values = durations(20_000);
  const sketch = sketchOfAll(values);

  test('every percentile is within 2 % under the exact one, from µs to minutes', () => {
    assert.ok(LATENCY_RELATIVE_ERROR < 0.02);
    for (const q of [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1]) assertWithinBound(quantileOf(sketch, q), percentile(values, q)!, `p${q * 100}`);
    assert.equal(quantileOf(emptySketch(), 0.5), null);
  });

  test('a single 10.0 s call: p99 within 2 % of 10.0 s and never above it', () => {
    const one = sketchOfAll([10_000_000_000n]);
    for (const q of [0.5, 0.99, 1]) assertWithinBound(quantileOf(one, q), 10_000_000_000n, `p${q * 100}`);
    assert.equal(quantileOf(sketchOfAll([0n, 0n]), 0.99), 0n, 'durations of 0 are answered exactly');
  });

  test('each duration lands in the bucket whose bounds hold it, at the edges too', () => {
    const edges = Array.from({ length: 2_300 }, (_, k) => bucketLowerNanos(k)).flatMap((n) => [n - 1, n, n + 1]);
    for (const nanos of [...edges, 2 ** 62, Number.MAX_SAFE_INTEGER].filter((n) => n >= 1)) {
      const k = sketchBucketOf(nanos);
      assert.ok(bucketLowerNanos(k) <= nanos && nanos < bucketLowerNanos(k + 1), `${nanos} ns in bucket ${k}`);
    }
    assert.ok(sketchBucketOf(2n ** 63n - 1n) < 32_767, 'every int64 duration fits a SMALLINT bucket: no overflow bucket');
  });

  test('merging is adding: the sum of per-minute sketches, in any grouping, is the sketch of all', () => {
    const minutes = Array.from({ length: 10 }, (_, m) => sketchOfAll(values.slice(m * 2_000, (m + 1) * 2_000)));
    const forward = emptySketch();
    for (const minute of minutes) mergeSketchInto(forward, minute);
    const pairs = [0, 2, 4, 6, 8].map((m) => {
      const pair = emptySketch();
      mergeSketchInto(pair, minutes[m + 1]!);
      mergeSketchInto(pair, minutes[m]!);
      return pair;
    });
    const grouped = emptySketch();
    for (const pair of pairs.reverse()) mergeSketchInto(grouped, pair);
    assert.deepEqual(forward, sketch);
    assert.deepEqual(grouped, sketch);
    assert.equal(sketchTotal(sketch), values.length);
    const repeated = minutes.flatMap((m) => m.buckets.map((bucket, i) => [bucket, m.counts[i]!] as const)).sort(() => random() - 0.5);
    assert.deepEqual(sketchOf(repeated.map(([b]) => b), repeated.map(([, c]) => c)), sketch, 'from stored rows in any order, repeats added');
  });

  test('requests under a latency objective: between the exact counts 2 % below and 2 % above the threshold', () => {
    const exactUnder = (nanos: number) => values.filter((v) => Number(v) <= nanos).length;
    for (const ms of [0.01, 0.5, 20, 22, 300, 451.3, 2_000, 60_000]) {
      const nanos = ms * 1e6;
      const good = countAtOrUnder(sketch, nanos);
      assert.ok(good >= exactUnder(nanos / 1.02) && good <= exactUnder(nanos * 1.02), `${ms} ms: ${good} between ${exactUnder(nanos / 1.02)} and ${exactUnder(nanos * 1.02)}`);
    }
    assert.equal(countAtOrUnder(sketchOfAll([10n ** 10n]), 1.02e10), 1, 'a duration 2 % under the threshold is good');
  });

  test("the old 25 % buckets convert into distinct buckets, each holding its old bucket's midpoint", () => {
    assert.equal(OLD_HISTOGRAM_BUCKETS.length, 62);
    for (let i = 1; i < 62; i++) assert.ok(OLD_HISTOGRAM_BUCKETS[i]! > OLD_HISTOGRAM_BUCKETS[i - 1]!);
    assert.ok(Math.abs(bucketLowerNanos(OLD_HISTOGRAM_BUCKETS[10]!) / ((100_000 * (1.25 ** 9 + 1.25 ** 10)) / 2) - 1) < 0.02);
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricPoint, SloJson, SloStatusJson } from '@stitch/metrics';
import { sloBodyOf, targetShare } from './commands/span-metrics-commands.ts';
import { renderMetrics, renderSlo, renderSlos } from './render-span-metrics.ts';

const point = (count: number, p99Ms: number): MetricPoint => ({ startMs: 0, count, errors: 1, faults: 2, throttles: 0, errorRate: 1 / count, faultRate: 2 / count, avgMs: 12.5, p50Ms: 9.3, p90Ms: 100.97, p99Ms });
const slo: SloJson = { id: 'checkout-p99-abc123', name: 'checkout p99', description: 'checkout: 99 % of requests within 2000 ms over 7 days', selector: { service: 'checkout' }, objective: { kind: 'latency', thresholdMs: 2000 }, target: 0.99, windowDays: 7 };
const status: SloStatusJson = {
  window: { startMs: 0, endMs: 7 * 86_400_000, days: 7 },
  total: 1000,
  good: 985,
  compliance: 0.985,
  errorBudget: { allowedBad: 10, bad: 15, remaining: -0.5 },
  burnRate: { '1h': 12, '6h': 3, '24h': null, window: 1.5 },
  met: false,
  daily: [
    { dayStartMs: 0, total: 600, good: 597, compliance: 0.995, budgetRemaining: 0.5 },
    { dayStartMs: 86_400_000, total: 400, good: 388, compliance: 0.97, budgetRemaining: -0.5 },
  ],
};

describe('the terminal views of span metrics and SLOs', () => {
  test('metrics: one aligned row per service, rates as percentages, latencies with units', () => {
    const text = renderMetrics({ window: { startMs: 0, endMs: 3_600_000 }, stepMs: 60_000, groupBy: 'service', series: [{ key: { service: 'checkout' }, total: point(200, 2295.887404), points: [] }, { key: { service: 'db' }, total: point(20, 1.16), points: [] }] });
    assert.equal(
      text,
      [
        'span metrics 1970-01-01T00:00:00.000Z .. 1970-01-01T01:00:00.000Z (1h in 1m steps), by service',
        'SERVICE   REQUESTS  ERRORS  FAULTS    AVG     P50     P90     P99',
        'checkout       200    0.5%    1.0%  13 ms  9.3 ms  101 ms   2.3 s',
        'db              20    5.0%   10.0%  13 ms  9.3 ms  101 ms  1.2 ms',
      ].join('\n'),
    );
    assert.match(renderMetrics({ window: { startMs: 0, endMs: 60_000 }, stepMs: 60_000, groupBy: 'account', series: [] }), /no requests in this window$/);
  });

  test('SLOs: breached first word, budget left may be negative, burn rates as multiples', () => {
    assert.equal(
      renderSlos([{ ...slo, status }]),
      ['STATUS    ID                   NAME          TARGET  COMPLIANCE  BUDGET LEFT  BURN 1H  BURN WINDOW', 'BREACHED  checkout-p99-abc123  checkout p99  99.00%      98.50%       -50.0%      12x        1.50x'].join('\n'),
    );
    const shown = renderSlo(slo, status);
    assert.match(shown, /^ {2}last 7 days: 985 good of 1000 requests, compliance 98\.500% \(target 99\.00%\)$/m);
    assert.match(shown, /^ {2}burn rate: 1h 12x, 6h 3\.00x, 24h -, window 1\.50x$/m);
    assert.match(shown, /^1970-01-01 +600 +99\.50% +50\.0% +##########\.{10}$/m);
    assert.match(shown, /^1970-01-02 +400 +97\.00% +-50\.0% +!$/m);
  });

  test('slo create: a percentage becomes a share; one objective exactly; a window of 7 or 30 days', () => {
    assert.equal(targetShare('99.9'), 0.999);
    assert.equal(targetShare('95%'), 0.95);
    for (const bad of ['0', '100', '120', 'x']) assert.throws(() => targetShare(bad), /--target: a percentage above 0 and below 100/);
    const base = { url: '', name: 'n', service: 'checkout', target: '99', window: '30' };
    assert.deepEqual(sloBodyOf({ ...base, latencyMs: '2000', operation: 'GET /cart' }), {
      name: 'n',
      selector: { service: 'checkout', operation: 'GET /cart' },
      objective: { kind: 'latency', thresholdMs: 2000 },
      target: 0.99,
      windowDays: 30,
    });
    assert.throws(() => sloBodyOf({ ...base, latencyMs: '2000', success: true }), /give either --latency-ms/);
    assert.throws(() => sloBodyOf({ ...base }), /give either --latency-ms/);
    assert.throws(() => sloBodyOf({ ...base, success: true, window: '14' }), /--window: 7 or 30/);
  });
});

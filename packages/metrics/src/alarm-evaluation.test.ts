import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyMeasurements, measure, type Measurements } from '@stitch/graph';
import { seededRandom, type Span } from '@stitch/model';
import type { AlarmRule, ThresholdCondition } from './alarm-rule.ts';
import { evaluateRule, metricValue, type AlarmInputs } from './alarm-evaluation.ts';
import type { MetricSelector } from './metric-record.ts';
import type { SloDefinition } from './slo-definition.ts';

interface Request {
  atMs: number;
  service: string;
  latencyMs: number;
  httpStatus: number;
}

/** What `measure` reads of a span: an HTTP answer, 5xx with an error status as instrumentations set it. */
const answered = (httpStatus: number): Pick<Span, 'status' | 'http'> => ({
  status: { code: httpStatus >= 500 ? 'error' : 'unset', message: '' },
  http: { method: 'GET', route: null, url: null, statusCode: httpStatus },
});

/** Requests kept as they are; `measure` counts a window of them as the span metrics would. */
function inputsOf(requests: Request[], slos: SloDefinition[] = []): AlarmInputs & { windows: Array<[number, number]> } {
  const windows: Array<[number, number]> = [];
  return {
    windows,
    async measure(selector: MetricSelector, startMs: number, endMs: number): Promise<Measurements> {
      windows.push([startMs, endMs]);
      const into = emptyMeasurements();
      for (const r of requests) {
        if (r.atMs < startMs || r.atMs >= endMs || (selector.service && r.service !== selector.service)) continue;
        measure(into, BigInt(Math.round(r.latencyMs * 1e6)), answered(r.httpStatus));
      }
      return into;
    },
    slo: (id) => slos.find((slo) => slo.id === id) ?? null,
  };
}

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const MIN = 60_000;

function thresholdRule(condition: Omit<ThresholdCondition, 'kind'>): AlarmRule {
  return { id: 'a', name: 'a', condition: { kind: 'threshold', ...condition }, datapointsToAlarm: 1, webhooks: [] };
}

/** Seeded traffic of checkout over the last 10 minutes: latencies 20–1500 ms, a few 4xx and 5xx, and noise from another service. */
function traffic(seed: number, count: number): Request[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const roll = random();
    return {
      atMs: NOW - 10 * MIN + Math.floor(random() * 10 * MIN),
      service: i % 5 === 0 ? 'pricing' : 'checkout',
      latencyMs: 20 + random() * 1480,
      httpStatus: roll < 0.04 ? 503 : roll < 0.1 ? 404 : 200,
    };
  });
}

describe('threshold rules against independently computed figures', () => {
  const requests = traffic(7, 4000);
  const inWindow = requests.filter((r) => r.service === 'checkout' && r.atMs >= NOW - 5 * MIN && r.atMs < NOW);
  const sorted = inWindow.map((r) => r.latencyMs).sort((a, b) => a - b);
  const exactP99 = sorted[Math.ceil(0.99 * sorted.length) - 1]!;
  const mean = sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length;
  const faultRate = inWindow.filter((r) => r.httpStatus >= 500).length / inWindow.length;
  const errorRate = inWindow.filter((r) => r.httpStatus >= 400 && r.httpStatus < 500).length / inWindow.length;

  test('p99 is at most the nearest-rank value and within 2 % of it (the latency sketch)', async () => {
    const inputs = inputsOf(requests);
    const seen = await evaluateRule(thresholdRule({ selector: { service: 'checkout' }, metric: 'p99', comparator: '>', threshold: 1000, windowMinutes: 5 }), inputs, NOW);
    assert.deepEqual(inputs.windows, [[NOW - 5 * MIN, NOW]]);
    assert.ok(seen.value! <= exactP99 + 1e-9 && seen.value! >= exactP99 * 0.98, `${seen.value} vs exact ${exactP99}`);
    assert.equal(seen.outcome, 'breaching');
    assert.match(seen.reason, new RegExp(`\\(${inWindow.length} requests\\) is > 1000 ms`));
  });

  test('mean latency, error and fault rates are exact', async () => {
    const inputs = inputsOf(requests);
    const at = (metric: ThresholdCondition['metric'], threshold: number) => evaluateRule(thresholdRule({ selector: { service: 'checkout' }, metric, comparator: '>=', threshold, windowMinutes: 5 }), inputs, NOW);
    assert.ok(Math.abs((await at('avgLatencyMs', 0)).value! - mean) < 1e-6);
    assert.equal((await at('faultRate', 0)).value, faultRate);
    assert.equal((await at('errorRate', 0)).value, errorRate);
    assert.equal((await at('requests', 0)).value, inWindow.length);
    assert.equal((await at('faultRate', faultRate + 0.001)).outcome, 'ok');
    assert.equal((await at('faultRate', faultRate)).outcome, 'breaching', '>= holds at equality');
  });

  test('too few requests is INSUFFICIENT_DATA; no traffic is a figure for a requests rule', async () => {
    const inputs = inputsOf(requests);
    const quiet = await evaluateRule(thresholdRule({ selector: { service: 'nobody' }, metric: 'p99', comparator: '>', threshold: 1, windowMinutes: 5 }), inputs, NOW);
    assert.equal(quiet.outcome, 'insufficient');
    assert.equal(quiet.value, null);
    const few = await evaluateRule(thresholdRule({ selector: { service: 'checkout' }, metric: 'p50', comparator: '>', threshold: 1, windowMinutes: 5, minRequests: inWindow.length + 1 }), inputs, NOW);
    assert.equal(few.outcome, 'insufficient');
    const silent = await evaluateRule(thresholdRule({ selector: { service: 'nobody' }, metric: 'requests', comparator: '<', threshold: 1, windowMinutes: 5 }), inputs, NOW);
    assert.deepEqual([silent.outcome, silent.value], ['breaching', 0]);
  });

  test('a fault share from counts; no requests, no latency', () => {
    const m = emptyMeasurements();
    for (let i = 0; i < 10; i++) measure(m, 1_000_000n, answered(i < 3 ? 500 : 200));
    assert.equal(metricValue('faultRate', m), 0.3);
    assert.equal(metricValue('p50', emptyMeasurements()), null);
  });
});

describe('burn-rate rules: both windows must burn faster than the factor', () => {
  const slo: SloDefinition = { id: 'slo-1', name: 'checkout p99 < 2 s', selector: { service: 'checkout' }, objective: { kind: 'latency', thresholdMs: 2000 }, target: 0.99, windowDays: 30 };

  /** Two requests a second over the last hour; `slowShare(minutesAgo)` of them take 3 s, the rest 300 ms (no bucket straddles 2 s). */
  function hour(slowShare: (minutesAgo: number) => number): Request[] {
    const random = seededRandom(11);
    const requests: Request[] = [];
    for (let at = NOW - 60 * MIN; at < NOW; at += 500) {
      const slow = random() < slowShare((NOW - at) / MIN);
      requests.push({ atMs: at, service: 'checkout', latencyMs: slow ? 3000 : 300, httpStatus: 200 });
    }
    return requests;
  }
  const burnOf = (requests: Request[], minutes: number) => {
    const window = requests.filter((r) => r.atMs >= NOW - minutes * MIN);
    return window.filter((r) => r.latencyMs > 2000).length / window.length / (1 - slo.target);
  };
  const rule: AlarmRule = { id: 'b', name: 'b', condition: { kind: 'burnRate', sloId: 'slo-1', longWindowMinutes: 60, shortWindowMinutes: 5, factor: 14.4 }, datapointsToAlarm: 1, webhooks: [] };

  const cases = [
    { name: 'a steady 30 % slow share burns both: fires', share: () => 0.3, outcome: 'breaching' },
    { name: 'an incident that ended 10 minutes ago: the long window burns, the short does not', share: (ago: number) => (ago > 10 ? 0.4 : 0), outcome: 'ok' },
    { name: 'a spike in the last 5 minutes only: the short window burns, the long does not (yet)', share: (ago: number) => (ago <= 5 ? 0.5 : 0), outcome: 'ok' },
  ];
  for (const { name, share, outcome } of cases) {
    test(name, async () => {
      const requests = hour(share);
      const seen = await evaluateRule(rule, inputsOf(requests, [slo]), NOW);
      assert.equal(seen.outcome, outcome);
      assert.ok(Math.abs(seen.value! - burnOf(requests, 60)) < 1e-9, `${seen.value} vs ${burnOf(requests, 60)}`);
      const short = Math.round(burnOf(requests, 5) * 100) / 100;
      assert.match(seen.reason, new RegExp(`5 min ${short.toString().replace('.', '\\.')}×`));
    });
  }

  test('an unknown SLO, or no requests, is INSUFFICIENT_DATA', async () => {
    assert.equal((await evaluateRule({ ...rule, condition: { kind: 'burnRate', sloId: 'gone', longWindowMinutes: 60, shortWindowMinutes: 5, factor: 14.4 } }, inputsOf([], [slo]), NOW)).outcome, 'insufficient');
    assert.equal((await evaluateRule(rule, inputsOf([], [slo]), NOW)).outcome, 'insufficient');
  });
});

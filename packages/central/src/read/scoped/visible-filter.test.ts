import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos, placeholderOf, seededRandom, type Span } from '@stitch/model';
import { parseFilter, traceMatches } from '@stitch/query';
import { sameOnVisible, visibleImpliedFilter } from './visible-filter.ts';

const OWN = '111111111111';
const OTHER = '222222222222';
const FILTERS = [
  'fault', 'ok', 'error', 'NOT fault', 'service("pay")', 'service("ship") { fault }', 'service("account 222222222222 (hidden)")',
  'edge("pay", "ship")', 'edge("account 222222222222 (hidden)", "pay")', 'name = "charge"', 'name != "charge"', 'name contains ""', 'kind = "internal"',
  'http.status >= 500', 'http.url contains "stripe"', `account = "${OTHER}"`, `account != "${OWN}"`, 'account = "other-label"', 'duration > 0.004',
  'responsetime < 0.003', 'trace.status = fault', 'trace.status = ok', 'trace.status = unknown', 'fault AND service("pay")', 'fault OR name = "charge"',
  'NOT (service("ship") OR ok)', 'service("pay") { duration > 0.002 } AND NOT error',
];

/** A random trace of a few spans split between the reader's account and another. */
function randomTrace(random: () => number, n: number): Span[] {
  const spans: Span[] = [];
  for (let i = 0; i < 2 + Math.floor(random() * 5); i++) {
    const start = 1_000_000n * BigInt(Math.floor(random() * 5));
    const other = random() < 0.5;
    spans.push(makeSpan({
      traceId: n.toString(16).padStart(32, '0'),
      spanId: (i + 1).toString(16).padStart(16, '0'),
      parentSpanId: i === 0 ? null : (1 + Math.floor(random() * i)).toString(16).padStart(16, '0'),
      name: random() < 0.5 ? 'charge' : 'ship-it',
      kind: random() < 0.5 ? 'server' : 'client',
      startTimeUnixNano: nanos(start),
      endTimeUnixNano: nanos(start + 1_000_000n * BigInt(1 + Math.floor(random() * 5))),
      status: { code: random() < 0.3 ? 'error' : 'unset', message: '' },
      http: { method: 'GET', route: null, url: random() < 0.5 ? 'https://api.stripe.com/x' : null, statusCode: random() < 0.3 ? 503 : random() < 0.3 ? 404 : 200 },
      resource: { serviceName: random() < 0.5 ? 'pay' : 'ship', attributes: {} },
      account: other ? { id: OTHER, label: 'other-label' } : { id: OWN, label: 'own-label' },
    }));
  }
  return spans;
}

test('what the store is asked never loses a trace that matches on the reader\'s view; duration-only filters mean the same on both', () => {
  const random = seededRandom(25);
  const traces = Array.from({ length: 400 }, (_, n) => randomTrace(random, n));
  for (const text of FILTERS) {
    const wanted = parseFilter(text);
    const implied = visibleImpliedFilter(wanted);
    for (const trace of traces) {
      const visible = trace.map((span) => (span.account.id === OWN ? span : placeholderOf(span)));
      if (traceMatches(wanted, visible) && implied) assert.ok(traceMatches(implied, trace), `${text}: a match on the reader's view must be a candidate in the store`);
      if (sameOnVisible(wanted)) assert.equal(traceMatches(wanted, visible), traceMatches(wanted, trace), text);
    }
  }
  assert.equal(visibleImpliedFilter(parseFilter('service("account 222222222222 (hidden)")')), null, "a placeholder's own name is never pushed");
  assert.equal(visibleImpliedFilter(parseFilter('NOT fault')), null);
  assert.ok(sameOnVisible(parseFilter('duration > 2 AND NOT responsetime < 1')));
});

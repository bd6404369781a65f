import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos, seededRandom, spansToBatch, type Span } from '@stitch/model';
import { RecentKeys } from './recent-keys.ts';
import { shareOut } from './share-out.ts';
import { SPAN_FIXED_BYTES, storedBytesOf } from './stored-bytes.ts';
import { countIngested, countRead, countStored, ownerOfSpans } from './usage-counting.ts';
import { UsageTally } from './usage-tally.ts';
import { monthBounds, utcDayOf } from './utc-day.ts';

const DAY1 = Date.parse('2030-01-31T23:59:59Z');
const at = (ms: number) => nanos(BigInt(ms) * 1_000_000n);
const spanOf = (traceId: string, account: string, service: string, ms: number, more: Partial<Span> = {}) =>
  makeSpan({ traceId, account: { id: account, label: account }, resource: { serviceName: service, attributes: {} }, startTimeUnixNano: at(ms), endTimeUnixNano: at(ms + 5), ...more });

test('shares add up to the whole, in proportion, leftovers to the largest remainders', () => {
  assert.deepEqual(shareOut(10, [1, 1, 1]), [4, 3, 3]);
  assert.deepEqual(shareOut(100, [3, 1]), [75, 25]);
  assert.deepEqual(shareOut(5, [0, 0]), [0, 0]);
  const random = seededRandom(3);
  for (let i = 0; i < 200; i++) {
    const weights = Array.from({ length: 1 + Math.floor(random() * 6) }, () => Math.floor(random() * 50));
    const total = Math.floor(random() * 1e6);
    const shares = shareOut(total, weights);
    const sum = weights.reduce((a, b) => a + b, 0);
    if (sum === 0) continue;
    assert.equal(shares.reduce((a, b) => a + b, 0), total);
    shares.forEach((share, k) => assert.ok(Math.abs(share - (total * weights[k]!) / sum) < 1));
  }
});

test('a trace counts once per account and day, however many batches bring it; spans and bytes add up', () => {
  const tally = new UsageTally();
  const seen = new RecentKeys(1000);
  const t1 = 'a'.repeat(32);
  const t2 = 'b'.repeat(32);
  const first = [spanOf(t1, 'edge', 'gateway', DAY1 - 10), spanOf(t1, 'checkout', 'orchestrator', DAY1 - 5), spanOf(t2, 'edge', 'gateway', DAY1 - 1)];
  // t1's later part: again in checkout (not counted again) and past midnight (a new day: counted).
  const second = [spanOf(t1, 'checkout', 'orchestrator', DAY1 - 2, { name: 'ünïcode ☕' }), spanOf(t1, 'checkout', 'orchestrator', DAY1 + 2000)];
  countStored(spansToBatch(first), tally, seen);
  countStored(spansToBatch(second), tally, seen);
  const rows = tally.take();
  const key = (r: { day: string; accountId: string; serviceName: string }) => `${r.day} ${r.accountId} ${r.serviceName}`;
  assert.deepEqual(
    rows.map((r) => [key(r), r.tracesRecorded, r.tracesFirstRecorded, r.spans, r.firstSeenMs, r.lastSeenMs]),
    [
      ['2030-01-31 edge gateway', 2, 2, 2, DAY1 - 10, DAY1 - 1],
      ['2030-01-31 checkout orchestrator', 1, 0, 2, DAY1 - 5, DAY1 - 2],
      ['2030-02-01 checkout orchestrator', 1, 1, 1, DAY1 + 2000, DAY1 + 2000],
    ],
  );
  const bytes = [...first, ...second].map((span, i, all) => storedBytesOf(spansToBatch(all), i));
  assert.equal(rows.reduce((sum, r) => sum + r.bytesStored, 0), bytes.reduce((a, b) => a + b, 0));
  assert.equal(tally.size, 0, 'taken');
});

test('a forgotten trace (past the remembered keys) is counted again: the documented approximation', () => {
  const tally = new UsageTally();
  const seen = new RecentKeys(2);
  const ids = ['1', '2', '3', '1'].map((n) => n.repeat(32));
  for (const id of ids) countStored(spansToBatch([spanOf(id, 'a', 's', DAY1)]), tally, seen);
  assert.equal(tally.take()[0]!.tracesRecorded, 4);
});

test("the estimate of stored bytes: the fixed part plus the UTF-8 length of the span's text", () => {
  const span = spanOf('c'.repeat(32), 'acct', 'svc', DAY1, { name: 'ünï', http: { method: 'GET', route: '/r', url: null, statusCode: 200 } });
  const batch = spansToBatch([span]);
  const detail = [batch.attributesJson[0]!, batch.statusMessage[0]!, batch.traceState[0]!, batch.scopeName[0]!, batch.scopeVersion[0]!];
  const expected = SPAN_FIXED_BYTES + 5 /* ünï */ + 3 + 4 + 4 /* label */ + 3 + 2 + detail.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  assert.equal(storedBytesOf(batch, 0), expected);
});

test("a request's bytes are shared out among its spans' (day, account, service) by their number of spans", () => {
  const tally = new UsageTally();
  const spans = [spanOf('d'.repeat(32), 'a', 's', DAY1), spanOf('d'.repeat(32), 'a', 's', DAY1), spanOf('d'.repeat(32), 'b', 't', DAY1)];
  countIngested(spansToBatch(spans), 1000, tally);
  assert.deepEqual(tally.take().map((r) => [r.accountId, r.bytesIngested, r.spans]), [['a', 667, 0], ['b', 333, 0]]);
});

test("a read trace is billed to its root's account and service, on the day it was read", () => {
  const root = spanOf('e'.repeat(32), 'edge', 'gateway', DAY1 + 50);
  const earlier = spanOf('e'.repeat(32), 'pay', 'payments', DAY1, { parentSpanId: '1'.repeat(16) });
  assert.deepEqual(ownerOfSpans([earlier, root]), { accountId: 'edge', serviceName: 'gateway' });
  assert.deepEqual(ownerOfSpans([earlier]), { accountId: 'pay', serviceName: 'payments' }, 'no root: the earliest span');
  assert.equal(ownerOfSpans([]), null);
  const tally = new UsageTally();
  countRead([{ accountId: 'edge', serviceName: 'gateway' }, { accountId: 'edge', serviceName: 'gateway' }], 'tracesScanned', DAY1 + 1000, tally);
  assert.deepEqual(tally.take().map((r) => [r.day, r.tracesScanned, r.firstSeenMs]), [['2030-02-01', 2, null]]);
});

test('UTC days and month bounds', () => {
  assert.equal(utcDayOf(DAY1), '2030-01-31');
  assert.deepEqual(monthBounds('2028-02-10'), { first: '2028-02-01', last: '2028-02-29' });
  assert.deepEqual(monthBounds('2030-12-31'), { first: '2030-12-01', last: '2030-12-31' });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServingRequests, type ServedRequest } from './serving-requests.ts';

const T0 = 1_764_000_000_000_000_000n;
const SECOND = 1_000_000_000n;
const MS = 1_000_000n;

/** `held` requests of one service, 50 ms each, started over the same 3 seconds and received in about that order. */
function heldRequests(held: number): ServingRequests {
  const serving = new ServingRequests(held);
  for (let i = 0; i < held; i++) {
    const start = T0 + (BigInt(i) * 3n * SECOND) / BigInt(held);
    serving.add('shop', { traceId: `t${i}`, startNanos: start, endNanos: start + 50n * MS, receivedMs: i });
  }
  return serving;
}

/** Requests read per lookup: calls inside a request (found), calls longer than any request (none). */
function requestsReadPerLookup(held: number): { inside: number; outlasting: number } {
  const serving = heldRequests(held);
  const lookups = 1_000;
  for (let i = 0; i < lookups; i++) {
    const start = T0 + (BigInt(i) * 2n * SECOND) / BigInt(lookups) + 20n * MS;
    assert.ok(serving.servingDuring('shop', 'root', start, start + 5n * MS), 'a call 5 ms long is inside a request');
  }
  const inside = serving.requestsRead / lookups;
  serving.requestsRead = 0;
  for (let i = 0; i < lookups; i++) {
    const start = T0 + (BigInt(i) * 2n * SECOND) / BigInt(lookups) + 20n * MS;
    assert.equal(serving.servingDuring('shop', 'root', start, start + 80n * MS), null, 'a call 80 ms long outlasts every request');
  }
  return { inside, outlasting: serving.requestsRead / lookups };
}

test('a lookup reads about as many requests with 100,000 held as with 1,000 (within 2x; a balanced tree: log2 n), found or not', () => {
  const few = requestsReadPerLookup(1_000);
  const some = requestsReadPerLookup(10_000);
  const many = requestsReadPerLookup(100_000);
  for (const kind of ['inside', 'outlasting'] as const) {
    assert.ok(some[kind] <= 2 * few[kind] && many[kind] <= 2 * few[kind], `${kind}: requests read per lookup ${few[kind]} at 1,000 held, ${some[kind]} at 10,000, ${many[kind]} at 100,000`);
  }
});

test('answers as reading every held request would: the latest-starting one around the call, of its service, under another trace', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const serving = new ServingRequests(300);
  const held: Array<{ service: string; request: ServedRequest }> = [];
  for (let i = 0; i < 2_000; i++) {
    const start = T0 + BigInt(Math.floor(random() * 2_000)) * MS;
    const request = { traceId: `t${Math.floor(random() * 50)}`, startNanos: start, endNanos: start + BigInt(Math.floor(random() * 300)) * MS, receivedMs: i };
    const service = random() < 0.5 ? 'shop' : 'cart';
    serving.add(service, request);
    held.push({ service, request });
    if (i % 7 === 0) serving.prune(i - 250);
    const kept = held.filter(({ request: r }) => r.receivedMs >= Math.max(i - 299, 7 * Math.floor(i / 7) - 250));
    const callStart = T0 + BigInt(Math.floor(random() * 2_000)) * MS;
    const callEnd = callStart + BigInt(Math.floor(random() * 100)) * MS;
    const trace = `t${Math.floor(random() * 50)}`;
    const expected = kept
      .filter(({ service: s, request: r }) => s === 'shop' && r.traceId !== trace && r.startNanos <= callStart && r.endNanos >= callEnd)
      .map(({ request: r }) => r)
      .sort((a, b) => (a.startNanos > b.startNanos ? -1 : a.startNanos < b.startNanos ? 1 : b.receivedMs - a.receivedMs))[0];
    assert.equal(serving.servingDuring('shop', trace, callStart, callEnd), expected ?? null, `lookup ${i}`);
  }
});

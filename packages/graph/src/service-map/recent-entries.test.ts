import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSpan, nanos, type HttpFacts } from '@stitch/model';
import { PathIndex } from './path-index.ts';
import { pathMatches } from './peers.ts';
import { RecentEntries, type RecentEntry } from './recent-entries.ts';

const T0 = 1_764_000_000_000_000_000n;
const SECOND = 1_000_000_000n;

const withRoute = (route: string): HttpFacts => ({ method: 'GET', route, url: null, statusCode: 200 });

/** `held` trace-starting requests spread over the same 3 seconds: checkouts, and orders by id (a route template). */
function heldRoots(held: number) {
  const paths = new PathIndex();
  const roots = new RecentEntries(held, ({ span, path }) => paths.keysOfServed(path, span.http.route ?? ''));
  for (let i = 0; i < held; i++) {
    const start = T0 + (BigInt(i) * 3n * SECOND) / BigInt(held);
    const order = i % 2 === 0;
    const span = makeSpan({ startTimeUnixNano: nanos(start), endTimeUnixNano: nanos(start + 50_000_000n), ...(order ? { http: withRoute('/orders/:id') } : {}) });
    roots.add({ span, receivedMs: 0, path: order ? `/orders/${i}` : '/checkout' });
  }
  return { paths, roots };
}

/** Entries `accept` was asked about per lookup, over lookups that find nothing (an API that sends no spans) and lookups that take a match. */
function acceptCallsPerLookup(held: number): { unmatched: number; matched: number; found: number } {
  const { paths, roots } = heldRoots(held);
  let asked = 0;
  const lookup = (path: string) =>
    roots.findStartedWithin(
      T0,
      T0 + 3n * SECOND,
      (entry: RecentEntry) => {
        asked++;
        return pathMatches(path, entry.path) || pathMatches(path, entry.span.http.route ?? '');
      },
      paths.keysMatching(path),
    );
  const lookups = 500;
  for (let i = 0; i < lookups; i++) assert.equal(lookup('/v1/charges'), null);
  const unmatched = asked / lookups;
  asked = 0;
  let found = 0;
  for (let i = 0; i < lookups; i++) {
    const entry = lookup(i % 2 === 0 ? '/checkout' : `/orders/${i}`);
    if (entry) {
      roots.take(entry);
      found++;
    }
  }
  return { unmatched, matched: asked / lookups, found };
}

test('a lookup reads only the entries its path can match: its cost stays flat from 1,000 to 100,000 held entries (within 2x)', () => {
  const few = acceptCallsPerLookup(1_000);
  const many = acceptCallsPerLookup(100_000);
  assert.equal(few.unmatched, 0, 'a call to an API that sends no spans reads no entry');
  assert.equal(many.unmatched, 0);
  assert.equal(few.found, 500, 'every call to a held path finds an entry');
  assert.equal(many.found, 500);
  assert.ok(many.matched <= 2 * Math.max(1, few.matched), `entries read per matched lookup: ${few.matched} with 1,000 held, ${many.matched} with 100,000`);
});

test('the oldest matching entry answers first, each only once, by exact path or by route template', () => {
  const paths = new PathIndex();
  const roots = new RecentEntries(100, ({ span, path }) => paths.keysOfServed(path, span.http.route ?? ''));
  const at = (second: bigint) => makeSpan({ startTimeUnixNano: nanos(T0 + second * SECOND), endTimeUnixNano: nanos(T0 + second * SECOND + 1n) });
  const byRoute = { span: { ...at(1n), http: withRoute('/stock/{sku}') }, receivedMs: 0, path: '/stock/a1' };
  const byPath = { span: at(2n), receivedMs: 0, path: '/stock/b2' };
  const other = { span: at(0n), receivedMs: 0, path: '/checkout' };
  for (const entry of [byPath, byRoute, other]) roots.add(entry);
  const find = (path: string) => roots.findStartedWithin(T0, T0 + 5n * SECOND, () => true, paths.keysMatching(path));
  assert.equal(find('/stock/b2'), byRoute, 'the route template matches any sku, and its entry started first');
  roots.take(byRoute);
  assert.equal(find('/stock/b2'), byPath);
  roots.take(byPath);
  assert.equal(find('/stock/b2'), null, 'taken entries answer no other call');
  assert.equal(find('/stock'), null, 'another length matches no template');
  assert.equal(roots.size, 1);
  roots.prune(1);
  assert.equal(roots.size, 0, 'pruning forgets what was received before');
});

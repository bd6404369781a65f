import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildWaterfall } from './waterfall-model.ts';
import { FOLD_AT, findFolds, foldStateOf, unfoldAround } from './sibling-folds.ts';
import { testSpan, testTraceOutline } from './test-trace.ts';
import { visibleRows } from './visible-rows.ts';

// A handler calling GET /item 100 times (every 10th fails, durations 1..100 ms), with a lookup
// between calls 40 and 41, a child below call 5, and 19 calls of GET /price: one too few to fold.
function itemTrace() {
  const spans = [testSpan('1', null, 0, 10_000, { name: 'GET /cart' })];
  for (let i = 1; i <= 100; i++) {
    const from = i * 50;
    spans.push(testSpan((0x100 + i).toString(16), '1', from, from + i, { name: 'GET /item', status: { code: i % 10 === 0 ? 'error' : 'unset', message: '' } }));
    if (i === 40) spans.push(testSpan('50', '1', from + 45, from + 48, { name: 'lookup' }));
  }
  spans.push(testSpan('60', (0x105).toString(16), 252, 253, { name: 'SELECT item' }));
  for (let i = 0; i < FOLD_AT - 1; i++) spans.push(testSpan((0x300 + i).toString(16), '1', 6_000 + i, 6_001 + i, { name: 'GET /price' }));
  return buildWaterfall(testTraceOutline(spans));
}

describe('sibling folds', () => {
  const trace = itemTrace();
  const folds = findFolds(trace.spans);
  const indexOf = (hex: string) => trace.indexById.get(hex.padStart(16, '0'))!;
  const [fold] = [...folds.byLeader.values()];

  it("groups a parent's repeated children by service and name, from FOLD_AT of them", () => {
    assert.equal(folds.byLeader.size, 1, 'GET /item only: 19 GET /price stay as they are');
    assert.equal(fold!.members.length, 100);
    assert.equal(fold!.leader, indexOf('101'));
    assert.equal(fold!.errors, 10);
    assert.equal(fold!.p50Nanos, 50e6);
    assert.equal(fold!.p99Nanos, 99e6);
    assert.equal(fold!.startOffsetNanos, 50e6);
    assert.equal(fold!.endOffsetNanos, 5_100e6);
  });

  it('shows one row for the group until it is unfolded; the others and their subtrees stay', () => {
    const folded = visibleRows(trace.spans, new Set(), { leaderOf: folds.leaderOf, unfolded: new Set() });
    assert.deepEqual(folded.map((i) => trace.spans[i]!.name), ['GET /cart', 'GET /item', 'lookup', ...Array(FOLD_AT - 1).fill('GET /price')]);
    assert.equal(foldStateOf(folds, new Set(), fold!.leader), 'folded');
    assert.equal(foldStateOf(folds, new Set([fold!.leader]), fold!.leader), 'unfolded');
    assert.equal(foldStateOf(folds, new Set(), fold!.members[1]!), null, 'a member behind the leader');
    const open = visibleRows(trace.spans, new Set(), { leaderOf: folds.leaderOf, unfolded: new Set([fold!.leader]) });
    assert.equal(open.length, trace.spans.length, 'unfolded, every span shows');
  });

  it('opens the fold hiding a span, or hiding its ancestor, and no other', () => {
    assert.deepEqual([...unfoldAround(trace.spans, folds, new Set(), indexOf('60'))], [fold!.leader], 'the child of a hidden member');
    const none = new Set<number>();
    assert.equal(unfoldAround(trace.spans, folds, none, fold!.leader), none, 'the leader shows while folded');
    assert.equal(unfoldAround(trace.spans, folds, none, indexOf('50')), none, 'a sibling outside the group');
  });
});

describe('sibling folds of one name in two services', () => {
  it('are two groups, one per service', () => {
    const spans = [testSpan('1', null, 0, 1_000)];
    for (let i = 0; i < 2 * FOLD_AT; i++) {
      spans.push(testSpan((0x100 + i).toString(16), '1', i, i + 1, { name: 'GET /x', resource: { serviceName: i % 2 === 0 ? 'cart' : 'search', attributes: {} } }));
    }
    const trace = buildWaterfall(testTraceOutline(spans));
    const folds = findFolds(trace.spans);
    assert.deepEqual([...folds.byLeader.values()].map((fold) => [trace.spans[fold.leader]!.serviceName, fold.members.length]).sort(), [['cart', FOLD_AT], ['search', FOLD_AT]]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collapsibleSpans, expandAncestors, rowPositionOf, shownAncestorOf, visibleRows, withMember, type TreeRow } from './visible-rows.ts';

// 0 ─┬─ 1 ─┬─ 2
//    │     └─ 3 ── 4
//    └─ 5
// 6 (a second root)
const tree: TreeRow[] = [
  { parentIndex: -1, childIndexes: [1, 5], subtreeEnd: 6 },
  { parentIndex: 0, childIndexes: [2, 3], subtreeEnd: 5 },
  { parentIndex: 1, childIndexes: [], subtreeEnd: 3 },
  { parentIndex: 1, childIndexes: [4], subtreeEnd: 5 },
  { parentIndex: 3, childIndexes: [], subtreeEnd: 5 },
  { parentIndex: 0, childIndexes: [], subtreeEnd: 6 },
  { parentIndex: -1, childIndexes: [], subtreeEnd: 7 },
];

describe('visibleRows', () => {
  const cases: Array<[string, number[], number[]]> = [
    ['nothing collapsed', [], [0, 1, 2, 3, 4, 5, 6]],
    ['a subtree collapsed', [1], [0, 1, 5, 6]],
    ['a leaf "collapsed" changes nothing', [2], [0, 1, 2, 3, 4, 5, 6]],
    ['nested collapses', [3, 1], [0, 1, 5, 6]],
    ['a root collapsed', [0], [0, 6]],
  ];
  for (const [name, collapsed, expected] of cases) {
    it(name, () => assert.deepEqual(visibleRows(tree, new Set(collapsed)), expected));
  }
});

describe('rowPositionOf', () => {
  const rows = [0, 1, 5, 6];
  for (const [index, expected] of [[0, 0], [5, 2], [6, 3], [3, -1], [9, -1]] as const) {
    it(`finds ${index} at ${expected}`, () => assert.equal(rowPositionOf(rows, index), expected));
  }
});

describe('collapse helpers', () => {
  it('expands every collapsed ancestor and nothing else', () => {
    assert.deepEqual([...expandAncestors(tree, new Set([0, 1, 5]), 4)], [5]);
  });
  it('returns the same set when the span already shows', () => {
    const collapsed = new Set([3]);
    assert.equal(expandAncestors(tree, collapsed, 2), collapsed);
  });
  it('names the row standing for a hidden span', () => {
    assert.equal(shownAncestorOf(tree, new Set([1, 3]), 4), 1);
    assert.equal(shownAncestorOf(tree, new Set([3]), 2), 2);
  });
  it('collapses all: every span with children', () => {
    assert.deepEqual([...collapsibleSpans(tree)], [0, 1, 3]);
    assert.deepEqual(visibleRows(tree, collapsibleSpans(tree)), [0, 6]);
  });
  it('toggles one span without touching the given set', () => {
    const collapsed = new Set([1]);
    assert.deepEqual([...withMember(collapsed, 3, true)], [1, 3]);
    assert.deepEqual([...withMember(collapsed, 1, false)], []);
    assert.equal(withMember(collapsed, 1, true), collapsed);
    assert.deepEqual([...collapsed], [1]);
  });
});

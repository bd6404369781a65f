import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeMatches, nextMatch, outlineMatches } from './find-matches.ts';

describe('find in a trace', () => {
  const spans = [
    { name: 'GET /cart', serviceName: 'cart' },
    { name: 'GET /item', serviceName: 'cart' },
    { name: 'SELECT items', serviceName: 'inventory-db' },
    { name: 'GET /price', serviceName: 'pricing' },
  ];

  it('finds names and services in any case, at once', () => {
    assert.deepEqual(outlineMatches(spans, 'ITEM'), [1, 2]);
    assert.deepEqual(outlineMatches(spans, ' cart '), [0, 1]);
    assert.deepEqual(outlineMatches(spans, ''), []);
  });

  it('adds what central found in the attributes, in tree order, each once', () => {
    assert.deepEqual(mergeMatches([1, 2], [3, 1]), [1, 2, 3]);
  });

  it('jumps to the next match after the selection, or the previous, wrapping around', () => {
    const matches = [1, 4, 9];
    assert.equal(nextMatch(matches, null, true), 1);
    assert.equal(nextMatch(matches, null, false), 9);
    assert.equal(nextMatch(matches, 4, true), 9);
    assert.equal(nextMatch(matches, 5, true), 9);
    assert.equal(nextMatch(matches, 9, true), 1);
    assert.equal(nextMatch(matches, 4, false), 1);
    assert.equal(nextMatch(matches, 1, false), 9);
    assert.equal(nextMatch([], 3, true), null);
  });
});

import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { SeriesLabelJson } from '@stitch/api';
import { seriesName } from './series-name.ts';

it('a series is named by its labels, as the legend shows it', () => {
  const cases: Array<[SeriesLabelJson[], string]> = [
    [[{ key: 'resource.service.name', value: 'checkout' }], 'resource.service.name=checkout'],
    [[{ key: 'name', value: 'GET /cart' }, { key: 'p', value: 0.99 }], 'name=GET /cart, p=0.99'],
    [[{ key: 'span.db.system', value: null }], 'span.db.system=(none)'],
    [[{ key: 'span.retry', value: true }, { key: 'span.shard', value: 3 }], 'span.retry=true, span.shard=3'],
    [[{ key: 'le', value: 100 }], 'le=100ms'],
    [[{ key: 'le', value: 0.5 }], 'le=500µs'],
    [[{ key: 'le', value: 2000 }], 'le=2s'],
    [[{ key: 'le', value: null }], 'le=+Inf'],
    [[], 'all matching spans'],
  ];
  for (const [labels, name] of cases) assert.equal(seriesName(labels), name);
});

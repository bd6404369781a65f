import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { SeriesLabelJson } from '@stitch/api';
import { seriesName } from './series-name.ts';
import { inLegendOrder } from './series-order.ts';

const named = (...labels: SeriesLabelJson[][]) => inLegendOrder(labels.map((one) => ({ labels: one, points: [], spans: 1 }))).map((one) => seriesName(one.labels));

it("a histogram's buckets are listed from the shortest, the open-ended one last", () => {
  assert.deepEqual(named([{ key: 'le', value: 10 }], [{ key: 'le', value: 100 }], [{ key: 'le', value: 1000 }], [{ key: 'le', value: null }], [{ key: 'le', value: 2 }]), ['le=2ms', 'le=10ms', 'le=100ms', 'le=1s', 'le=+Inf']);
});

it('groups by their text, the spans without a value last, then each group\u2019s quantiles in order', () => {
  const service = (value: string | null, p: number): SeriesLabelJson[] => [{ key: 'resource.service.name', value }, { key: 'p', value: p }];
  assert.deepEqual(named(service(null, 0.5), service('payments', 0.99), service('checkout', 0.99), service('payments', 0.5), service('checkout', 0.5)), [
    'resource.service.name=checkout, p=0.5',
    'resource.service.name=checkout, p=0.99',
    'resource.service.name=payments, p=0.5',
    'resource.service.name=payments, p=0.99',
    'resource.service.name=(none), p=0.5',
  ]);
});

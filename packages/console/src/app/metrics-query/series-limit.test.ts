import assert from 'node:assert/strict';
import { it } from 'node:test';
import { drawnSeriesOf, seriesLeftOut } from './series-limit.ts';

it("central's note on series left out is read apart from the others", () => {
  assert.deepEqual(seriesLeftOut({ missingAccounts: [], stoppedAt: ['series: the 10 with the most spans of 42 (limit=)', 'spans: the read budget'] }), { total: 42, limited: true, otherNotes: ['spans: the read budget'] });
  assert.deepEqual(seriesLeftOut({ missingAccounts: [], stoppedAt: ['series: some were left out'] }), { total: null, limited: true, otherNotes: [] });
  assert.deepEqual(seriesLeftOut(undefined), { total: null, limited: false, otherNotes: [] });
});

it('the URL says how many series to draw', () => {
  assert.deepEqual(['25', null, '0', '-3', '2.5', 'many', '5000'].map(drawnSeriesOf), [25, 10, 10, 10, 10, 10, 1000]);
});

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { seriesStyles } from './series-style.ts';

const series = (...labels: Array<Array<[string, string | number]>>) => labels.map((pairs) => ({ labels: pairs.map(([key, value]) => ({ key, value })), points: [], spans: 1 }));

it('each series its own colour, dashed once the colours run out', () => {
  const styles = seriesStyles(series(...Array.from({ length: 12 }, (_, i): Array<[string, string]> => [['name', `op ${i}`]])));
  assert.equal(new Set(styles.slice(0, 10).map((style) => style.color)).size, 10);
  assert.deepEqual(styles[10], { color: styles[0]!.color, dash: '6 4' });
});

it("a group's quantiles share its colour, each quantile a dash of its own", () => {
  const styles = seriesStyles(
    series(
      [['resource.service.name', 'checkout'], ['p', 0.5]],
      [['resource.service.name', 'checkout'], ['p', 0.99]],
      [['resource.service.name', 'payments'], ['p', 0.5]],
      [['resource.service.name', 'payments'], ['p', 0.99]],
    ),
  );
  assert.equal(styles[0]!.color, styles[1]!.color);
  assert.equal(styles[2]!.color, styles[3]!.color);
  assert.notEqual(styles[0]!.color, styles[2]!.color);
  assert.deepEqual(styles.map((style) => style.dash), [undefined, '6 4', undefined, '6 4']);
});

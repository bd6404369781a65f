import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nameLines, showsFigures, unitsFor } from './map-detail.ts';

test('a name in the lines a zoomed-out node has: broken at its separators, the last line cut in its middle', () => {
  // 216 units at 21.6 units a glyph-em: 16 glyphs a line.
  assert.deepEqual(nameLines('checkout-orchestrator', 216, 21.6, 2), ['checkout-', 'orchestrator']);
  assert.deepEqual(nameLines('payments', 216, 21.6, 2), ['payments']);
  assert.deepEqual(nameLines('Stripe (api.stripe.com)', 216, 21.6, 2), ['Stripe (api.', 'stripe.com)']);
  assert.deepEqual(nameLines('averyveryverylongservicenamewithoutbreaks', 216, 21.6, 2), ['averyveryverylon', 'gservice…tbreaks']);
  assert.deepEqual(nameLines('order-events (aws_sns) in eu-west-1', 216, 40, 1), ['orde…st-1']);
  // Four services of one team stay four names.
  const team = [1, 7, 12, 17].map((n) => nameLines(`recommendation-ledger-service-${n}`, 216, 40, 1)[0]);
  assert.equal(new Set(team).size, 4, team.join(' '));
});

test('figures from 1:1 on; type grows as the map shrinks, never below its own size', () => {
  assert.equal(showsFigures(1), true);
  assert.equal(showsFigures(0.55), false);
  assert.equal(unitsFor(13, 0.5), 26);
  assert.equal(unitsFor(11, 2), 11);
});

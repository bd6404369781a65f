import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clockTicks, stepText } from './clock-ticks.ts';

const at = (iso: string) => Date.parse(iso);
const texts = (...args: Parameters<typeof clockTicks>) => clockTicks(...args).map((tick) => tick.text);

describe('the time axis, as its ticks read', () => {
  it('the last hour from 10:07, in UTC: every ten minutes on the round ones', () => {
    assert.deepEqual(texts(at('2025-05-14T10:07:00Z'), at('2025-05-14T11:07:00Z'), 8, 0), ['10:10', '10:20', '10:30', '10:40', '10:50', '11:00']);
  });
  it('the same hour in UTC+2 reads two hours later', () => {
    assert.deepEqual(texts(at('2025-05-14T10:07:00Z'), at('2025-05-14T11:07:00Z'), 8, -120), ['12:10', '12:20', '12:30', '12:40', '12:50', '13:00']);
  });
  it('in UTC+5:30 the ticks fall on local round times', () => {
    assert.deepEqual(texts(at('2025-05-14T10:07:00Z'), at('2025-05-14T11:07:00Z'), 4, -330), ['15:45', '16:00', '16:15', '16:30']);
  });
  it('a day across midnight says the date at midnight', () => {
    assert.deepEqual(texts(at('2025-05-13T14:20:00Z'), at('2025-05-14T14:20:00Z'), 8, 0), ['15:00', '18:00', '21:00', '05-14', '03:00', '06:00', '09:00', '12:00']);
  });
  it('a few minutes read to the second', () => {
    assert.deepEqual(texts(at('2025-05-14T10:00:05Z'), at('2025-05-14T10:02:05Z'), 5, 0), ['10:00:30', '10:01:00', '10:01:30', '10:02:00']);
  });
  it('a week in days', () => {
    assert.deepEqual(texts(at('2025-05-07T12:00:00Z'), at('2025-05-14T12:00:00Z'), 8, 0), ['05-08', '05-09', '05-10', '05-11', '05-12', '05-13', '05-14']);
  });
  it('tick times are where the clock says', () => {
    assert.deepEqual(clockTicks(at('2025-05-14T10:07:00Z'), at('2025-05-14T10:37:00Z'), 3, -120)[0], { tMs: at('2025-05-14T10:10:00Z'), text: '12:10' });
  });
  it('an empty window has none', () => assert.deepEqual(texts(5, 5, 8, 0), []));
});

it('a step as people say it', () => {
  assert.deepEqual([15_000, 60_000, 300_000, 90_000, 3_600_000, 86_400_000, 250, 1_500].map(stepText), ['15 s', '1 min', '5 min', '90 s', '1 h', '1 d', '250 ms', '1.5 s']);
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { INITIAL_TRACKER, observe, type AlarmTracker, type Observation, type Transition } from './alarm-state.ts';

const seen = (outcome: Observation['outcome'], value: number | null = 1): Observation => ({ outcome, value, reason: outcome });

/** Feeds outcomes one minute apart; returns every transition and the final tracker. */
function run(outcomes: Array<Observation['outcome']>, datapointsToAlarm: number, from: AlarmTracker = INITIAL_TRACKER) {
  let tracker = from;
  const transitions: Transition[] = [];
  outcomes.forEach((outcome, minute) => {
    const step = observe(tracker, seen(outcome), datapointsToAlarm, minute * 60_000);
    tracker = step.tracker;
    if (step.transition) transitions.push(step.transition);
  });
  return { tracker, transitions, path: transitions.map((t) => `${t.from}>${t.to}`) };
}

describe('the alarm state machine', () => {
  const cases: Array<{ name: string; outcomes: Array<Observation['outcome']>; n: number; path: string[]; final: string }> = [
    { name: 'three breaching in a row with N=3 alarm on the third', outcomes: ['ok', 'breaching', 'breaching', 'breaching'], n: 3, path: ['INSUFFICIENT_DATA>OK', 'OK>ALARM'], final: 'ALARM' },
    { name: 'a good evaluation in between restarts the count (no flapping)', outcomes: ['ok', 'breaching', 'breaching', 'ok', 'breaching', 'breaching'], n: 3, path: ['INSUFFICIENT_DATA>OK'], final: 'OK' },
    { name: 'N=1 alarms at once, one good evaluation clears it', outcomes: ['breaching', 'ok'], n: 1, path: ['INSUFFICIENT_DATA>ALARM', 'ALARM>OK'], final: 'OK' },
    { name: 'staying in ALARM is not a new transition', outcomes: ['breaching', 'breaching', 'breaching', 'breaching', 'breaching'], n: 2, path: ['INSUFFICIENT_DATA>ALARM'], final: 'ALARM' },
    { name: 'no data is INSUFFICIENT_DATA at once, and the streak starts over', outcomes: ['ok', 'breaching', 'insufficient', 'breaching', 'breaching'], n: 2, path: ['INSUFFICIENT_DATA>OK', 'OK>INSUFFICIENT_DATA', 'INSUFFICIENT_DATA>ALARM'], final: 'ALARM' },
    { name: 'insufficient from the start changes nothing', outcomes: ['insufficient', 'insufficient'], n: 1, path: [], final: 'INSUFFICIENT_DATA' },
  ];
  for (const { name, outcomes, n, path, final } of cases) {
    test(name, () => {
      const result = run(outcomes, n);
      assert.deepEqual(result.path, path);
      assert.equal(result.tracker.state, final);
    });
  }

  test("a new rule's first OK is recorded but not notified; every later change is", () => {
    const { transitions } = run(['insufficient', 'ok', 'breaching', 'insufficient', 'ok'], 1);
    assert.deepEqual(
      transitions.map((t) => [t.to, t.notify]),
      [
        ['OK', false],
        ['ALARM', true],
        ['INSUFFICIENT_DATA', true],
        ['OK', true],
      ],
    );
  });

  test('a transition carries its time, value and reason; the tracker when it began', () => {
    const step = observe({ state: 'OK', breachingStreak: 1, sinceMs: 5 }, { outcome: 'breaching', value: 2500, reason: 'p99 2500 ms' }, 2, 120_000);
    assert.deepEqual(step.transition, { from: 'OK', to: 'ALARM', atMs: 120_000, value: 2500, reason: 'p99 2500 ms', notify: true });
    assert.deepEqual(step.tracker, { state: 'ALARM', breachingStreak: 2, sinceMs: 120_000 });
  });
});

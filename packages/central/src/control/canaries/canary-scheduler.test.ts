import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CanaryScheduler } from './canary-scheduler.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('ticks on a fixed grid from the first due time, each canary on its own, until unscheduled', async () => {
  const ticks: Array<[string, number]> = [];
  const scheduler = new CanaryScheduler((id) => ticks.push([id, performance.now()]));
  const t0 = performance.now();
  scheduler.schedule('a', 100, 0);
  scheduler.schedule('b', 250, 50);
  await sleep(560);
  scheduler.unschedule('a');
  await sleep(300);
  scheduler.stop();
  const a = ticks.filter(([id]) => id === 'a').map(([, at]) => at - t0);
  const b = ticks.filter(([id]) => id === 'b').map(([, at]) => at - t0);
  assert.equal(a.length, 6, `a ticked at ${a.map(Math.round)}`);
  // On the grid (0, 100, 200, …): late by at most a timer's slack, never drifting.
  a.forEach((at, index) => assert.ok(at >= index * 100 - 1 && at < index * 100 + 40, `tick ${index} at ${Math.round(at)} ms`));
  assert.deepEqual(b.map((at) => Math.round(at / 50) * 50), [50, 300, 550, 800]);
});

test('a blocked event loop runs one late tick and skips the other missed due times (no burst)', async () => {
  let count = 0;
  const scheduler = new CanaryScheduler(() => {
    count += 1;
    if (count === 1) {
      const until = performance.now() + 260;
      while (performance.now() < until); // the event loop blocked over two due times
    }
  });
  scheduler.schedule('a', 100, 0);
  await sleep(450);
  scheduler.stop();
  // Due at 0 (blocking until 260); the 100 tick runs late at 260, the 200 one is skipped; then 300 and 400.
  assert.equal(count, 4);
});

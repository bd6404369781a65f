import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CanaryRunRecord } from '@stitch/canary';
import { CanaryRuns, RUNS_KEPT } from './canary-runs.ts';

const runOf = (canaryId: string, n: number): CanaryRunRecord => ({
  canaryId,
  journeyName: canaryId,
  traceId: n.toString(16).padStart(32, '0'),
  spanId: n.toString(16).padStart(16, '0'),
  startedAtMs: 1_800_000_000_000 + n * 1_000,
  durationMs: n % 7,
  ok: n % 3 !== 0,
  failure: n % 3 === 0 ? 'get: status = 200 failed: got 503' : null,
  steps: [],
  trigger: 'schedule',
  stored: true,
});

test('recent runs outlive a restart: the newest 100 of each canary, newest first; the file stays bounded', async () => {
  const dir = await mkdtemp('/tmp/stitch-canary-runs-');
  const file = join(dir, 'canary-runs.jsonl');
  try {
    const runs = await CanaryRuns.open(file);
    const written: CanaryRunRecord[] = [];
    for (let n = 1; n <= 500; n++) {
      const run = runOf(n % 5 === 0 ? 'api' : 'checkout', n);
      written.push(run);
      void runs.add(run);
    }
    await runs.settled();
    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean).length;
    assert.ok(lines <= 2 * 2 * RUNS_KEPT, `${lines} lines for 2 canaries`);

    const reopened = await CanaryRuns.open(file);
    for (const id of ['checkout', 'api']) {
      const expected = written.filter((run) => run.canaryId === id).slice(-RUNS_KEPT).reverse();
      assert.deepEqual(reopened.recent(id), expected, id);
      assert.deepEqual(reopened.last(id), expected[0]);
    }
    assert.deepEqual(reopened.statsOf('checkout'), { runs: 0, failures: 0, skipped: 0 }, 'counts are since this start');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a torn last line and garbage lines are left out; runs of canaries deleted meanwhile are dropped', async () => {
  const dir = await mkdtemp('/tmp/stitch-canary-runs-');
  const file = join(dir, 'canary-runs.jsonl');
  try {
    const good = [runOf('a', 1), runOf('b', 2), runOf('a', 3)];
    await writeFile(file, `${good.map((run) => JSON.stringify(run)).join('\n')}\nnot json\n{"canaryId":7}\n${JSON.stringify(runOf('a', 4)).slice(0, 40)}`);
    const runs = await CanaryRuns.open(file);
    assert.deepEqual(runs.recent('a'), [good[2], good[0]]);
    runs.keepOnly(new Set(['a']));
    assert.deepEqual(runs.recent('b'), []);
    await runs.add(runOf('a', 5));
    assert.deepEqual((await CanaryRuns.open(file)).recent('a').map((run) => run.startedAtMs), [5, 3, 1].map((n) => runOf('a', n).startedAtMs), 'appended after the torn line');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { costlyCorpus } from '@stitch/test-support/fixtures';
import { openDuckDbStore } from '@stitch/store-duckdb';
import { startCentral } from '../server.ts';
import { costlySearch, ingestUnderCostlyReads, timedGet } from '@stitch/test-support/central';

const ADMIN = 'admin-token-costly-reads';
const READER = 'read-token-costly-reads';
/** 250,000 spans over 31 days: before the one-pass filter, the costly search took seconds here. */
const TRACES = 50_000;
const BUDGET_MS = 10_000;
const POSTS = 60;
const FIRST_TRACE = '1'.padStart(32, '0');

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

test('costly searches: past a tiny budget a 422 naming it, then the store answers; four at once neither stall ingest nor outrun the budget', async (t) => {
  const store = await openDuckDbStore({ path: ':memory:' });
  const corpus = costlyCorpus(TRACES);
  for (const batch of corpus.batches()) await store.writeBatch(batch);
  const costly = `/api/traces?${costlySearch(corpus)}`;
  const options = { store, adminToken: ADMIN, readToken: READER, decodeWorkers: 1, log: () => {}, port: 0 };

  // A budget of 250 ms (the costly search takes seconds): the search is cancelled, and the next (cheap) read is answered.
  const hurried = await startCentral({ ...options, queryBudgetMs: 250 });
  try {
    assert.equal((await timedGet(`${hurried.url}/api/health`, READER)).status, 200); // warms the client and server up
    const refused = await timedGet(`${hurried.url}${costly}`, READER);
    assert.equal(refused.status, 422);
    assert.equal(refused.body.error, 'query: took longer than the 250 ms budget; narrow the window or the filter');
    assert.ok(refused.ms < 250 + 1_000, `refused after ${refused.ms.toFixed(0)} ms (tolerance: 1 s on a loaded machine)`);
    // Asked of the store itself: a 250 ms budget could refuse even a cheap read on a loaded machine.
    const next = await store.getTraces([FIRST_TRACE]);
    assert.equal(next.get(FIRST_TRACE)?.length, 5, 'the store answers the next read');
  } finally {
    await hurried.close();
  }

  const central = await startCentral({ ...options, queryBudgetMs: BUDGET_MS });
  try {
    // Another credential's read while the read token's searches run: not starved, answered within the budget.
    const otherRead = new Promise<Awaited<ReturnType<typeof timedGet>>>((resolve) => setTimeout(() => resolve(timedGet(`${central.url}/api/traces/${FIRST_TRACE}`, ADMIN)), 3_000));
    const { idle, loaded, answers } = await ingestUnderCostlyReads({ url: central.url, ingestToken: ADMIN, readToken: READER, corpus, posts: POSTS, readers: 4 });
    const other = await otherRead;
    const figures = {
      idleP50: percentile(idle, 50),
      idleP99: percentile(idle, 99),
      loadedP50: percentile(loaded, 50),
      loadedP99: percentile(loaded, 99),
      otherCredentialMs: other.ms,
      answers: answers.map((a) => `${a.status} ${a.ms.toFixed(0)} ms`).join(', '),
    };
    t.diagnostic(JSON.stringify(figures));
    assert.equal(other.status, 200);
    assert.ok(other.ms < BUDGET_MS, `the admin's trace lookup took ${other.ms.toFixed(0)} ms`);
    for (const answer of answers) {
      // Tolerance: 2 s past the budget, for the answer's own work and a machine loaded past its cores.
      assert.ok(answer.ms < BUDGET_MS + 2_000, `answered ${answer.status} after ${answer.ms.toFixed(0)} ms`);
      if (answer.status === 422) assert.equal(answer.error, 'query: took longer than the 10 s budget; narrow the window or the filter');
      else if (answer.status === 429) assert.equal(answer.retryAfter, '1');
      else assert.equal(answer.status, 200, answer.error);
    }
    assert.ok(answers.some((a) => a.status === 200), 'some costly searches answer');
    // bench/costly-reads.ts measures this precisely (before the fix: p99 36x idle, 14.7 s). On a
    // machine shared with other work (load 10+ on 2 cores) the test allows 4x the idle p99 plus 500 ms.
    // An idle POST now and then stalls for seconds (seen before this change too), so an absolute bound as well.
    const ingestP99 = `ingest p99 ${figures.loadedP99.toFixed(0)} ms under the searches, ${figures.idleP99.toFixed(0)} ms idle`;
    assert.ok(figures.loadedP99 <= 4 * figures.idleP99 + 500, ingestP99);
    assert.ok(figures.loadedP99 < 3_000, ingestP99);
  } finally {
    await central.close();
    await store.close();
  }
});

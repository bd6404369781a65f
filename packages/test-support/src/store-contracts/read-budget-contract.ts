import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nanos } from '@stitch/model';
import { parseFilter } from '@stitch/query';
import { QueryBudgetExceeded, withinReadBudget, type TraceStore } from '@stitch/store';
import { costlyCorpus, costlyFilter } from '../fixtures/costly-corpus.ts';

export interface ReadBudgetContractOptions {
  newStore: () => Promise<TraceStore>;
  /** Traces to load: enough that the costly filter takes a few hundred milliseconds on this store. */
  traces: number;
}

/**
 * Every store cancels a read when its request's budget runs out: the caller gets the named
 * error soon after the budget (not when the query would have finished), and the store answers
 * the next query as usual.
 */
export function runReadBudgetContract(name: string, options: ReadBudgetContractOptions): void {
  test(`${name}: a read past its budget is cancelled with the named error, and the store answers right after`, async () => {
    const store = await options.newStore();
    try {
      const corpus = costlyCorpus(options.traces);
      for (const batch of corpus.batches()) await store.writeBatch(batch);
      const query = { startNanos: nanos(corpus.startNs), endNanos: nanos(corpus.endNs), filter: parseFilter(costlyFilter(127)) };
      let started = performance.now();
      await store.durationHistogram(query);
      const uncut = performance.now() - started;
      // A tenth of what the query takes, so it is stopped in the middle.
      const budgetMs = Math.max(5, Math.floor(uncut / 10));
      assert.ok(uncut >= 50, `the costly query took ${uncut.toFixed(0)} ms unbudgeted; load more traces`);

      started = performance.now();
      await assert.rejects(
        withinReadBudget(budgetMs, () => store.durationHistogram(query)),
        (error: unknown) => error instanceof QueryBudgetExceeded && error.message === `query: took longer than the ${budgetMs} ms budget; narrow the window or the filter`,
      );
      const cancelledAfter = performance.now() - started;
      // Tolerance: the store notices within 100 ms of the budget, or half the query's own time.
      assert.ok(cancelledAfter < budgetMs + Math.max(100, uncut / 2), `cancelled after ${cancelledAfter.toFixed(0)} ms (budget ${budgetMs} ms, uncut ${uncut.toFixed(0)} ms)`);

      const page = await withinReadBudget(10_000, () => store.searchTraces({ startNanos: nanos(corpus.startNs), endNanos: nanos(corpus.endNs), limit: 5 }));
      assert.equal(page.length, 5, 'the store answers the next read');
      assert.equal((await store.stats()).traceCount, options.traces);
    } finally {
      await store.close();
    }
  });
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSoak } from '../../bench/soak-run.ts';
import { assertFiguresEqualRecount } from '@stitch/test-support/central';

// `npm run soak`, shortened from 10 minutes to 45 s and run at a rate the 2-core machine keeps
// up with while the rest of the suite runs beside it: the same processes, restarts and count,
// and the figures counted from the spans (map, span metrics, usage) equal to a recount: exactly.

const SECONDS = 45;
const SPANS_PER_SECOND = 1_000;

/**
 * The soak on central's spans in DuckDB (0 shards) or in ClickHouse on that many shards.
 * `drainSeconds`: how long the spools may take to empty after the load. The two soaks run side by
 * side with the rest of the suite on two cores: one CI run's DuckDB soak still had ~190 batches
 * per agent spooled after 20 s (all stored later, none lost or doubled).
 */
export function soakTest(store: string, clickhouseShards: number, drainSeconds = 45): void {
  test(`soak on ${store}: central stopped and killed, an agent killed, all under load: every acknowledged span stored exactly once, and counted once`, { timeout: 150_000 + drainSeconds * 1_000 }, async (t) => {
    const result = await runSoak({ durationMs: SECONDS * 1_000, spansPerSecond: SPANS_PER_SECOND, settleTimeoutMs: 20_000, drainTimeoutMs: drainSeconds * 1_000, clickhouseShards });
    const { spans } = result;
    t.diagnostic(
      `sent ${spans.attempted} (${spans.posts} POSTs), acknowledged ${spans.acknowledged}, stored ${spans.stored} (${spans.distinctStored} distinct), ` +
        `duplicated ${spans.duplicated}, lost ${spans.lost}, refused ${spans.refused}; ` +
        result.restarts.map((r) => `${r.process} ${r.signal} down ${r.downtimeMs} ms`).join(', '),
    );

    if (result.keptDir) t.diagnostic(`data and every process's output kept in ${result.keptDir}`);
    assert.deepEqual(
      result.restarts.map((r) => `${r.process} ${r.signal}`),
      ['central SIGTERM', 'agent checkout SIGKILL', 'central SIGKILL'],
    );
    for (const restart of result.restarts) assert.notEqual(restart.newPid, restart.oldPid, `${restart.process} runs as a new process`);
    assert.ok(result.drained, `the agents' spools emptied after the load: ${JSON.stringify(result.spoolsAfterLoad)}`);
    assert.equal(spans.lost, 0, `acknowledged spans missing from central, e.g. ${result.examples.lost.join(', ')} (data kept in ${result.keptDir})`);
    assert.equal(spans.duplicated, 0, `spans stored twice, e.g. ${JSON.stringify(result.examples.duplicated)} (data kept in ${result.keptDir})`);
    assert.equal(spans.refused + spans.abandoned, 0, `refused ${spans.refused}, unanswered ${spans.abandoned}: ${result.firstRefusal}`);
    assert.equal(spans.acknowledged, spans.generated, 'the exporters got every span they were given acknowledged');
    // Most of the nominal load, even with the suite's other tests taking CPU from the generator.
    assert.ok(spans.acknowledged >= 0.8 * SECONDS * SPANS_PER_SECOND, `acknowledged ${spans.acknowledged}`);
    assert.equal(result.figures.spans, spans.stored, 'the recount reads every stored span');
    assertFiguresEqualRecount(result.figures);
  });
}

// SLOs over the entry operation the corpus's scenario names, held to the corpus's truth.
// Tolerances: a success objective's good and total exact; a latency objective's total exact and
// its good count off by at most the requests whose durations lie within the percentile sketch's
// 2 % of the threshold (where no sketch can tell).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SloStatusJson } from '@stitch/metrics';
import { PERCENTILE_TOLERANCE } from './map-truth.ts';
import type { TruthContext } from './truth-context.ts';
import { trueEntriesOf } from './truth.ts';

export function sloTruthTests({ corpus, loaded, todo }: TruthContext): void {
  describe('SLOs', () => {
    const { selector, thresholdMs } = corpus.scenario.slo;
    const what = `${selector.service} ${selector.operation}`;
    const served = () => [...trueEntriesOf(corpus.spans, 0, Number.MAX_SAFE_INTEGER).values()].find((e) => e.account === selector.account && e.service === selector.service && e.operation === selector.operation)!;
    const statusOf = async (body: object) => {
      const { slo } = await loaded().post<{ slo: { id: string } }>('/api/slos', { name: `truth ${JSON.stringify(body)}`, target: 0.99, windowDays: 7, ...body });
      return (await loaded().get<{ status: SloStatusJson }>(`/api/slos/${slo.id}`)).status;
    };

    test(`"${what} succeeds": every request counted, the faulted ones bad`, { todo: todo('slo.success') }, async () => {
      const status = await statusOf({ selector, objective: { kind: 'success' } });
      const { outcomes } = served();
      assert.deepEqual([status.total, status.good], [outcomes.count, outcomes.count - outcomes.faults]);
    });

    test(`"${what} answers within ${thresholdMs} ms": good counted within the sketch's 2 % of the threshold`, { todo: todo('slo.latency') }, async () => {
      const thresholdNs = thresholdMs * 1e6;
      const status = await statusOf({ selector, objective: { kind: 'latency', thresholdMs } });
      const { outcomes } = served();
      const good = outcomes.durationsNs.filter((d) => Number(d) <= thresholdNs).length;
      const undecidable = outcomes.durationsNs.filter((d) => Math.abs(Number(d) - thresholdNs) <= PERCENTILE_TOLERANCE * thresholdNs).length;
      assert.equal(status.total, outcomes.count);
      assert.ok(good > outcomes.count * 0.2 && good < outcomes.count * 0.95, `the threshold cuts the population (${good} of ${outcomes.count})`);
      assert.ok(Math.abs(status.good - good) <= undecidable, `good ${status.good}, truly ${good} (± ${undecidable} within 2 % of ${thresholdMs} ms)`);
    });
  });
}

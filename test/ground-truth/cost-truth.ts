// The cost profile's usage held to the corpus's truth: X-Ray bills a trace recorded once, so the
// total counts each trace once (a trace whose spans start on two UTC days, once a day), each
// account the traces it took part in, and every span once. Tolerance: exact.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TruthContext } from './truth-context.ts';
import type { PlannedSpan } from './corpus.ts';

interface UsageLine {
  usage: { tracesRecorded: number; spans: number };
}
interface CostAnswer {
  total: UsageLine;
  byAccount: Array<UsageLine & { accountId: string }>;
}

const dayOf = (span: PlannedSpan) => new Date(Number(span.startNs / 1_000_000n)).toISOString().slice(0, 10);

export function costTruthTests({ corpus, loaded, todo }: TruthContext): void {
  describe('cost profile', () => {
    test('traces recorded once in the total and once per account they touched; every span once', { todo: todo('cost.usage') }, async () => {
      const days = [...new Set(corpus.spans.map(dayOf))].sort();
      const answer = await loaded().get<CostAnswer>(`/api/cost?start=${days[0]}&end=${days.at(-1)}`);
      const distinct = (spans: readonly PlannedSpan[]) => new Set(spans.map((span) => `${span.traceId} ${dayOf(span)}`)).size;
      assert.deepEqual([answer.total.usage.tracesRecorded, answer.total.usage.spans], [distinct(corpus.spans), corpus.spans.length], 'total');
      for (const account of Object.values(corpus.accounts)) {
        const own = corpus.spans.filter((span) => span.account.id === account.id);
        const line = answer.byAccount.find((a) => a.accountId === account.id);
        assert.deepEqual([line?.usage.tracesRecorded, line?.usage.spans], [distinct(own), own.length], account.name);
      }
      assert.equal(answer.byAccount.length, Object.keys(corpus.accounts).length);
    });
  });
}

// Threshold alarms held to the corpus's truth: the figure an alarm evaluates is the one the
// truth gives, and it breaches exactly when the truth does. Tolerances: a fault rate exact; a
// p99 within 2 % and never above the true value (the sketch's bound), so thresholds 3 % below
// and at the true value decide.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PERCENTILE_TOLERANCE } from './map-truth.ts';
import type { TruthContext } from './truth-context.ts';
import { exactQuantile, trueEntriesOf } from './truth.ts';

interface Evaluation {
  evaluation: { outcome: 'breaching' | 'ok' | 'insufficient'; value: number | null };
}

export function alarmTruthTests({ corpus, loaded, todo }: TruthContext): void {
  describe('alarms', () => {
    const { selector } = corpus.scenario.slo;
    // Every span of the corpus is within the last hour.
    const truth = () => [...trueEntriesOf(corpus.spans, 0, Number.MAX_SAFE_INTEGER).values()].find((e) => e.account === selector.account && e.service === selector.service && e.operation === selector.operation)!.outcomes;
    const evaluate = async (metric: string, comparator: string, threshold: number) => {
      const body = { name: `truth ${metric} ${comparator} ${threshold}`, condition: { kind: 'threshold', selector, metric, comparator, threshold, windowMinutes: 60 } };
      const { alarm } = await loaded().post<{ alarm: { id: string } }>('/api/alarms', body);
      return (await loaded().post<Evaluation>(`/api/alarms/${alarm.id}/evaluate`, {})).evaluation;
    };

    test('a fault-rate alarm evaluates the true rate, and breaches exactly at it', { todo: todo('alarm.threshold') }, async () => {
      const outcomes = truth();
      const rate = outcomes.faults / outcomes.count;
      assert.ok(rate > 0, 'the population has faults');
      const at = await evaluate('faultRate', '>=', rate);
      assert.ok(Math.abs(at.value! - rate) < 1e-12, `value ${at.value}, truly ${rate}`);
      assert.equal(at.outcome, 'breaching');
      assert.equal((await evaluate('faultRate', '>', rate)).outcome, 'ok');
    });

    test('a p99 alarm evaluates within 2 % under the true p99, and decides thresholds 3 % below and at it', { todo: todo('alarm.threshold') }, async () => {
      const p99Ms = Number(exactQuantile(truth().durationsNs, 0.99)) / 1e6;
      const below = await evaluate('p99', '>', p99Ms * 0.97);
      assert.ok(below.value! <= p99Ms && below.value! >= p99Ms * (1 - PERCENTILE_TOLERANCE), `p99 ${below.value} ms, truly ${p99Ms} ms`);
      assert.equal(below.outcome, 'breaching');
      assert.equal((await evaluate('p99', '>', p99Ms)).outcome, 'ok');
    });
  });
}

// Diagnosis held to the corpus's truth: the planted cause of the corpus's slow population is
// named first, and nothing false is found. The slow population is the requests the cause was
// planted in (the scenario's filter matches those only, by construction); the healthy population
// is a random share of the others (the canary's requests).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DiagnosisJson } from '@stitch/graph';
import type { TruthContext } from './truth-context.ts';
import { tracesOf } from './truth.ts';

interface DiagnoseAnswer {
  diagnosis: DiagnosisJson;
  report: string;
}

export function diagnosisTruthTests({ corpus, loaded, wholeMinutes, todo }: TruthContext): void {
  describe('diagnosis', () => {
    const diagnose = (q: string) => loaded().get<DiagnoseAnswer>(`/api/diagnose?q=${encodeURIComponent(q)}&start=${wholeMinutes.startMs}&end=${wholeMinutes.endMs}&limit=1000`);
    const { slow, healthy } = corpus.scenario;

    test('the slow population is the planted one, and its cause is the first contributor', { todo: todo('diagnosis.first') }, async () => {
      const traces = tracesOf(corpus.spans);
      const matching = [...traces.entries()].filter(([, t]) => t.startNs >= BigInt(wholeMinutes.startMs) * 1_000_000n && t.startNs < BigInt(wholeMinutes.endMs) * 1_000_000n && slow.matches(t));
      assert.ok(matching.length >= 10 && matching.every(([id]) => slow.cause.traceIds.has(id)), 'only the planted requests are slow');
      const { diagnosis, report } = await diagnose(slow.q);
      assert.equal(diagnosis.counts.matches, matching.length);
      const top = diagnosis.contributors[0]!;
      assert.deepEqual([top.service, top.operation], [slow.cause.service, slow.cause.operation], report);
    });

    test('every finding about the slow population names its cause', { todo: todo('diagnosis.every-finding') }, async () => {
      const { diagnosis, report } = await diagnose(slow.q);
      for (const finding of diagnosis.findings) assert.deepEqual([finding.service, finding.operation], [slow.cause.service, slow.cause.operation], report);
    });

    test('a population drawn from the healthy one raises no finding', { todo: todo('diagnosis.healthy') }, async () => {
      const { diagnosis, report } = await diagnose(healthy);
      assert.ok(diagnosis.counts.matches > 10);
      assert.deepEqual(diagnosis.findings, [], report);
    });
  });
}

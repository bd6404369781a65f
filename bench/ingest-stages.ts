import type { IngestStagesJson } from '@stitch/api';
import type { HttpClient } from './http-client.ts';

/** One stage's cost over the measured window. */
export interface StageCost {
  stage: string;
  microsPerSpan: number;
  /** Of the stages' summed time (concurrent stages overlap, so the sum exceeds wall time). */
  share: number;
  calls: number;
}

/** Where central's ingest time went between two snapshots of GET /api/ingest/stages. */
export interface StageCosts {
  spans: number;
  requests: IngestStagesJson['requests'];
  stages: StageCost[];
}

/** Central's counters now; null when it does not answer them (a central from before the route). */
export async function stagesSnapshot(client: HttpClient): Promise<IngestStagesJson | null> {
  const answer = await client.getJson<IngestStagesJson>('/api/ingest/stages');
  return answer.status === 200 ? answer.json : null;
}

/** The difference of two snapshots, per span acknowledged between them. */
export function stageCosts(before: IngestStagesJson, after: IngestStagesJson): StageCosts {
  const earlier = new Map(before.stages.map((s) => [s.stage, s]));
  const spans = after.spans - before.spans;
  const deltas = after.stages.map((s) => ({ stage: s.stage, micros: s.micros - (earlier.get(s.stage)?.micros ?? 0), calls: s.calls - (earlier.get(s.stage)?.calls ?? 0) }));
  const total = deltas.reduce((sum, s) => sum + s.micros, 0);
  return {
    spans,
    requests: { stored: after.requests.stored - before.requests.stored, shed: after.requests.shed - before.requests.shed, refused: after.requests.refused - before.requests.refused },
    stages: deltas.map((s) => ({
      stage: s.stage,
      microsPerSpan: spans > 0 ? Math.round((s.micros / spans) * 100) / 100 : 0,
      share: total > 0 ? Math.round((s.micros / total) * 1_000) / 1_000 : 0,
      calls: s.calls,
    })),
  };
}

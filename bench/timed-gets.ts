import type { HttpClient } from './http-client.ts';
import { round2, summarizeLatencies, type LatencySummary } from './latency-stats.ts';

export interface TimedSamples {
  latencyMs: LatencySummary | null;
  /** The first sample (part of latencyMs too): the query's first run on this central. */
  firstMs: number;
  wrongAnswers: number;
  /** What was wrong with the first wrong answer. */
  firstProblem: string | null;
}

/** GETs `path` `samples` times, one at a time; `problemOf` says what is wrong with an answer (null: nothing). */
export async function timeGets<T>(
  client: HttpClient,
  path: string,
  samples: number,
  problemOf: (status: number, json: T | null) => string | null,
): Promise<TimedSamples & { last: T | null }> {
  const latencies: number[] = [];
  let wrongAnswers = 0;
  let firstProblem: string | null = null;
  let last: T | null = null;
  for (let i = 0; i < samples; i++) {
    const answer = await client.getJson<T>(path);
    latencies.push(answer.ms);
    last = answer.json;
    const problem = problemOf(answer.status, answer.json);
    if (problem === null) continue;
    wrongAnswers++;
    firstProblem ??= problem;
  }
  return { latencyMs: summarizeLatencies(latencies), firstMs: round2(latencies[0] ?? NaN), wrongAnswers, firstProblem, last };
}

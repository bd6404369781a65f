import type { HttpClient } from './http-client.ts';
import { timeGets, type TimedSamples } from './timed-gets.ts';

/** GET /api/diagnose's answer (the fields the checks and the report read). */
interface DiagnoseAnswerJson {
  diagnosis?: {
    counts?: { matches: number; baseline: number };
    contributors?: Array<{ headline: string }>;
    findings?: unknown[];
  };
}

/** Traces the diagnosis must compare: the newest `limit` matches and as many others (fewer when the window has fewer). */
export interface DiagnoseExpectation {
  matches: number;
  baseline: number;
}

export interface DiagnoseResult extends TimedSamples {
  name: string;
  query: string;
  limit: number;
  expected: DiagnoseExpectation;
  /** From the last answer. */
  counts: { matches: number; baseline: number } | null;
  contributors: number;
  findings: number;
  topContributor: string | null;
}

export function diagnoseAnswerProblem(status: number, json: DiagnoseAnswerJson | null, expected: DiagnoseExpectation): string | null {
  if (status !== 200) return `status ${status}`;
  const counts = json?.diagnosis?.counts;
  if (!counts) return 'no diagnosis.counts in the answer';
  if (counts.matches !== expected.matches || counts.baseline !== expected.baseline) {
    return `compared ${counts.matches} matches and ${counts.baseline} baseline traces, expected ${expected.matches} and ${expected.baseline}`;
  }
  if ((json?.diagnosis?.contributors?.length ?? 0) === 0) return 'no contributor';
  return null;
}

export async function measureDiagnose(
  client: HttpClient,
  q: string,
  window: { startMs: number; endMs: number; limit: number },
  expected: DiagnoseExpectation,
  samples: number,
): Promise<DiagnoseResult> {
  const params = new URLSearchParams({ q, start: String(window.startMs), end: String(window.endMs), limit: String(window.limit) });
  const path = `/api/diagnose?${params.toString()}`;
  const { last, ...timed } = await timeGets<DiagnoseAnswerJson>(client, path, samples, (status, json) => diagnoseAnswerProblem(status, json, expected));
  return {
    name: `q=${q}, limit=${window.limit}`,
    query: path,
    limit: window.limit,
    expected,
    ...timed,
    counts: last?.diagnosis?.counts ?? null,
    contributors: last?.diagnosis?.contributors?.length ?? 0,
    findings: last?.diagnosis?.findings?.length ?? 0,
    topContributor: last?.diagnosis?.contributors?.[0]?.headline ?? null,
  };
}

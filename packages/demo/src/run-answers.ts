import type { DemoScenario } from './live/scenarios.ts';

/** What the diagnosis is asked about, per scenario. */
export const SLOW_QUERY: Record<DemoScenario, string> = {
  'stripe-tail': 'duration > 8',
  'retry-storm': 'duration > 2',
  'lock-contention': 'duration > 1.5',
  'broken-propagation': 'duration > 2',
};

/**
 * The answer of `stitch diagnose` (or, for lost context, of `stitch propagation`) over this run
 * alone, from `runStartMs` to now: a store kept across runs (`--data`) holds earlier scenarios,
 * whose causes must not be named as this one's.
 */
export async function printRunDiagnosis(centralUrl: string, scenario: DemoScenario, runStartMs: number, log: (line: string) => void): Promise<void> {
  const since = `start=${Math.floor(runStartMs)}`;
  try {
    if (scenario === 'broken-propagation') {
      const report = (await (await fetch(`${centralUrl}/api/propagation?${since}`)).json()) as { findings: Array<{ message: string }> };
      log(`\n$ stitch propagation --start ${Math.floor(runStartMs)}\n${report.findings.map((f) => `! ${f.message}`).join('\n') || 'no broken trace context yet'}\n`);
      return;
    }
    const answer = await fetch(`${centralUrl}/api/diagnose?q=${encodeURIComponent(SLOW_QUERY[scenario])}&${since}`);
    const body = (await answer.json()) as { report?: string; error?: string };
    log(`\n$ stitch diagnose '${SLOW_QUERY[scenario]}' --start ${Math.floor(runStartMs)}\n${body.report ?? body.error}\n`);
  } catch (error) {
    log(`diagnosis not available: ${(error as Error).message}`);
  }
}

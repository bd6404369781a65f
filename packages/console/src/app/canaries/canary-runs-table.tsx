import type { CanaryRunRecord } from '@stitch/canary';
import { formatAgo, formatInstant } from '@stitch/model';
import { onLinkClick } from '../router.ts';

const ms = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`);

/** A canary's recent runs, newest first: pass or fail per step with its status and time, and each run's trace. */
export function CanaryRunsTable({ runs, steps }: { runs: CanaryRunRecord[]; steps: string[] }) {
  if (runs.length === 0) return <p class="empty">No run yet.</p>;
  const nowMs = Date.now();
  return (
    <table class="rules" aria-label="recent runs">
      <thead>
        <tr>
          <th>run</th>
          <th>result</th>
          {steps.map((step, index) => (
            <th key={index}>{step}</th>
          ))}
          <th>trace</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => {
          const trace = `/trace/${run.traceId}`;
          return (
            <tr key={run.traceId} data-run={run.traceId} data-ok={String(run.ok)}>
              <td title={formatInstant(run.startedAtMs)}>
                {formatAgo(run.startedAtMs, nowMs)} <span class="muted">{run.trigger === 'manual' ? '(run now)' : ''}</span>
              </td>
              <td>
                <strong class={run.ok ? '' : 'error'}>{run.ok ? 'pass' : 'fail'}</strong> <span class="muted">{ms(run.durationMs)}</span>
                {run.failure && <div class="error">{run.failure}</div>}
              </td>
              {steps.map((_, index) => {
                const step = run.steps[index];
                if (!step) return <td key={index} class="muted">not run</td>;
                return (
                  <td key={index} data-step={step.name} data-step-ok={String(step.ok)} title={step.failure ?? ''}>
                    {step.ok ? '✓' : '✗'} {step.status ?? '—'} <span class="muted">{ms(step.durationMs)}</span>
                  </td>
                );
              })}
              <td class="mono">
                {run.stored ? (
                  <a href={trace} onClick={(event) => onLinkClick(event, trace)}>
                    {run.traceId.slice(0, 12)}…
                  </a>
                ) : (
                  <span class="muted">not stored</span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
